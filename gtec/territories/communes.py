"""Communes found by their name, as a person types it: « Vannes », « vannes », « Saint-Avé (56) », or the
INSEE code. Two communes of the same name are told apart by their département (« Saint-Pierre (15) » /
« Saint-Pierre (974) »). Used by the forms that ask for a place (training offer) and by the commune
suggestions of `/api/communes`."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import Count, Max

from gtec.territories.models import Territory
from gtec_core.communes import CODE, MAX_CHARS, Commune, by_name, clean, departement_of, homonyms_message
from gtec_core.text import fold

__all__ = ["CODE", "MAX_CHARS", "Commune", "Lookup", "departement_of", "label_of", "lookup", "suggestions"]


@dataclass(frozen=True)
class Lookup:
    """The communes a typed text names: exactly one (`found`), several, or none."""

    text: str
    matches: tuple[Commune, ...]

    @property
    def found(self) -> Commune | None:
        return self.matches[0] if len(self.matches) == 1 else None

    def problem(self) -> str:
        """The French message a form shows when the text does not name exactly one commune."""
        if len(self.matches) > 1:
            return homonyms_message(self.matches)
        hints, typed = [], fold(self.text)
        while not hints and len(typed) >= 3:  # a typo near the end: the longest start that names something
            hints, typed = suggestions(typed, limit=3), typed[:-1]
        hint = f" Vouliez-vous dire {' ou '.join(f'« {c.label} »' for c in hints)} ?" if hints else ""
        return f"Commune inconnue : « {self.text} ». Tapez son nom complet, par exemple « Vannes ».{hint}"


_cache: dict[str, object] = {"stamp": None, "rows": []}
_lock = threading.Lock()


def _active() -> list[tuple[str, Commune]]:
    """(folded name, commune) of every current commune, most populated first, kept in memory until the
    communes change."""
    current = Territory.objects.filter(scale="commune", actif=True)
    stamp = tuple(current.aggregate(n=Count("pk"), top=Max("pk"), codes=Max("code")).values())
    with _lock:
        if _cache["stamp"] != stamp:
            rows = current.order_by("-population", "code").values_list("code", "name")
            _cache["rows"] = [(fold(name), Commune(code, name)) for code, name in rows]
            _cache["stamp"] = stamp
        return _cache["rows"]  # type: ignore[return-value]


def lookup(text: str) -> Lookup:
    """The communes `text` names (an INSEE code; a name, case and accents ignored; a name followed by its
    département or postal code)."""
    text = clean(text)
    if not text:
        return Lookup(text, ())
    if CODE.match(text):
        found = Territory.objects.filter(scale="commune", code=text.upper()).values_list("code", "name")
        return Lookup(text, tuple(Commune(c, n) for c, n in found))
    return Lookup(text, by_name(text, _active(), _has_postal))


def _has_postal(commune: Commune, postal: str) -> bool:
    if len(postal) != 5:
        return False
    codes = Territory.objects.filter(scale="commune", code=commune.code).values_list(
        "postal_codes", flat=True
    )
    return any(postal in (value or "") for value in codes)


def suggestions(query: str, limit: int = 10) -> list[Commune]:
    """Communes whose name starts with the typed text (then those that contain it), accents ignored, the
    most populated first (« vann » → Vannes before Vannecourt); at most `limit`."""
    wanted = fold(clean(query))
    if len(wanted) < 2:
        return []
    starts, contains = [], []
    for name, commune in _active():
        if name.startswith(wanted):
            starts.append(commune)
        elif wanted in name:
            contains.append(commune)
        if len(starts) >= limit:
            break
    return (starts + contains)[:limit]


def label_of(code: str) -> str:
    """« Vannes (56) » for a stored INSEE code (the code itself when the commune is unknown)."""
    name = Territory.objects.filter(scale="commune", code=code).values_list("name", flat=True).first()
    return Commune(code, name).label if name else code
