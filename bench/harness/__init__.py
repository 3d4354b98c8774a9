"""Steelyard's benchmark harness: `python bench/run.py quick|full|compare` (see bench/README.md)."""
