"""Steelyard: a back end for raw-materials suppliers."""

__version__ = "0.1.0"
