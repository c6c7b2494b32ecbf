"""Labour-market and territorial-structure indicators: declared once in REGISTRY, computed purely."""

from gtec_core.indicators.base import Indicator, load_parameters
from gtec_core.indicators.registry import REGISTRY, get
from gtec_core.indicators.tension import categorise

__all__ = ["REGISTRY", "Indicator", "categorise", "get", "load_parameters"]
