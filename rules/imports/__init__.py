"""Rules that predict ImportError / ModuleNotFoundError (codes OO3xx)."""
