"""jixiao: budget performance evaluation reports from one parameter file and data tables."""

__version__ = "0.1.0"
