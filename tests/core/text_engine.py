"""The real ROME 4.0 and ESCO files the text-engine tests read."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROME = ROOT.parent / "shared" / "data" / "rome4"
ESCO = ROOT.parent / "shared" / "data" / "esco"
