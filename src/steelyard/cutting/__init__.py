"""Cut-to-size planning: cut lists on stock lengths (1D) and sheets (2D guillotine), pure and exact.

See docs/cutting.md for the method, the settings and the figures.
"""

from steelyard.cutting.model import CutPlan, Layout, Offcut, PartSpec, PlacedPart, StockPiece
from steelyard.cutting.plan import MAX_PARTS, plan_cuts
from steelyard.cutting.settings import CuttingSettings, default_settings, settings_for, settings_problems

__all__ = [
    "MAX_PARTS",
    "CutPlan",
    "CuttingSettings",
    "Layout",
    "Offcut",
    "PartSpec",
    "PlacedPart",
    "StockPiece",
    "default_settings",
    "plan_cuts",
    "settings_for",
    "settings_problems",
]
