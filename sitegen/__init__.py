"""sitegen: static sites for youth volunteer associations."""

__version__ = "0.1.0"
