"""The text engine built once per test session from the real ROME 4.0 and ESCO files (disk cache under
var/cache), for the engine's tests in this folder."""

from __future__ import annotations

import pytest

from gtec_core.matching.loader import load_engine
from tests.core.text_engine import ESCO, ROME, ROOT


@pytest.fixture(scope="session")
def engine():
    return load_engine(ROME, ESCO if ESCO.exists() else None, ROOT / "var" / "cache")
