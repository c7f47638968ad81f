"""positions: tag, store and chart governments' stances on cross-border strikes and trainer deployments."""

__version__ = "0.2.0"
