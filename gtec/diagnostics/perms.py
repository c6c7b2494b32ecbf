"""Who may do what with diagnostics. A generated diagnostic is public (it publishes only what the pages
publish); freezing one into the territory's memory is an act of governance."""

from __future__ import annotations

from gtec.organisations import perms as org_perms


def can_freeze(user, territory) -> bool:
    """Only a coordinator of the territory freezes its diagnostic: a snapshot is the reference the action
    plan and the next diagnostics are measured against."""
    return org_perms.coordinates(user, territory)
