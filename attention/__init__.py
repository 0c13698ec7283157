"""attention: market attention and sentiment for investment themes."""

__version__ = "0.1.0"
