"""Rules that predict AttributeError (codes OO1xx)."""
