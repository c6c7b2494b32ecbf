"""The dated parameters of projections and stress tests (`parameters/prospective.yaml`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

PARAMETERS = Path(__file__).resolve().parent.parent / "parameters" / "prospective.yaml"
STRUCTURE = Path(__file__).resolve().parent.parent / "parameters" / "structure.yaml"


@cache
def load(path: Path = PARAMETERS) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


@cache
def insee_losses(scenario: str) -> dict[str, float]:
    """Loss of activity by group of sectors (Insee Point de conjoncture), from structure.yaml."""
    data = yaml.safe_load(STRUCTURE.read_text(encoding="utf-8"))
    return dict(data["covid_exposure"]["scenarios"][scenario])


def fap_members(code: str) -> list[str]:
    """FAP-87 families behind a Métiers 2030 code: `A0Z;A1Z` → both; `D0A` → its declared members."""
    members = load()["fap_members"]
    out: list[str] = []
    for part in code.split(";"):
        out.extend(members.get(part, [part]))
    return out
