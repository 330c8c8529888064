"""oocheck: predict the AttributeError and TypeError of Python classes before any test runs."""

__version__ = "0.1.0"
