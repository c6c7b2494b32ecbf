"""Scenarios of the projection: the dated sets of prospective.yaml (reference, bas-carbone, covid) and the
local scenarios a user writes in YAML (French field names):

    nom: Nouvelle usine à Theix
    base: reference            # a built-in scenario whose shifts are kept
    date: 2026-12-04
    age_retraite: 1            # exits delayed by one year
    employeurs:                # new employers (jobs > 0) by NAF A38 sector
      - {secteur: CA, emplois: 200}
    fermetures:                # closures (jobs lost) by sector
      - {secteur: CL, emplois: 150}
    attractivite: 0.02         # net arrivals of workers, share of 2019 employment over the horizon
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from gtec_core.prospective import params

SECTORS = {
    "AZ", "BZ", "CA", "CB", "CC", "CD", "CE", "CF", "CG", "CH", "CI", "CJ", "CK", "CL", "CM", "DZ", "EZ", "FZ",
    "GZ", "HZ", "IZ", "JA", "JB", "JC", "KZ", "LZ", "MA", "MB", "MC", "NZ", "OZ", "PZ", "QA", "QB", "RZ", "SZ",
    "TZ",
}  # fmt: skip
FIELDS = {"nom", "base", "date", "description", "age_retraite", "employeurs", "fermetures", "attractivite"}


class ScenarioError(ValueError):
    """A scenario that cannot be used; the message is French and names the field."""


@dataclass(frozen=True)
class Scenario:
    name: str
    label: str
    date: str = ""
    description: str = ""
    creation_shift: dict = field(default_factory=dict)
    retirement_shift: int = 0
    employers: tuple[tuple[str, float], ...] = ()
    attractiveness: float = 0.0

    @property
    def is_reference(self) -> bool:
        return (
            not self.creation_shift
            and not self.retirement_shift
            and not self.employers
            and not self.attractiveness
        )

    @classmethod
    def reference(cls) -> Scenario:
        return builtin("reference")


def names() -> list[str]:
    return list(params.load()["scenarios"])


def builtin(name: str) -> Scenario:
    data = params.load()["scenarios"].get(name)
    if data is None:
        raise ScenarioError(f"scénario inconnu « {name} » : choisir parmi {', '.join(names())}")
    return Scenario(
        name=name,
        label=data["label"],
        date=str(data.get("date", "")),
        description=" ".join(str(data.get("description", "")).split()),
        creation_shift=dict(data.get("creation_shift") or {}),
    )


def parse_local(text: str, source: str = "scénario") -> Scenario:
    """A user's local scenario (YAML above). Raises ScenarioError naming the file, line and field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", ligne {mark.line + 1}" if mark else ""
        raise ScenarioError(f"{source}{where} : YAML illisible") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{source} : un dictionnaire de champs est attendu (nom, base, employeurs…)")
    unknown = sorted(set(map(str, data)) - FIELDS)
    if unknown:
        raise ScenarioError(
            f"{source}, champ « {unknown[0]} » : inconnu (champs admis : {', '.join(sorted(FIELDS))})"
        )
    base = builtin(str(data.get("base", "reference")))
    shift = data.get("age_retraite", 0) or 0
    if not isinstance(shift, int) or isinstance(shift, bool) or not -3 <= shift <= 3:
        raise ScenarioError(f"{source}, champ « age_retraite » : entier de -3 à 3 attendu, lu « {shift} »")
    employers = []
    for key, sign in (("employeurs", 1), ("fermetures", -1)):
        items = data.get(key) or []
        if not isinstance(items, list):
            raise ScenarioError(f"{source}, champ « {key} » : une liste est attendue")
        for i, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise ScenarioError(f"{source}, {key} n° {i} : {{secteur, emplois}} attendu")
            sector = str(item.get("secteur", "")).upper()
            if sector not in SECTORS:
                raise ScenarioError(
                    f"{source}, {key} n° {i}, champ « secteur » : code NAF A38 inconnu « {sector} »"
                )
            jobs = item.get("emplois")
            if not isinstance(jobs, int | float) or isinstance(jobs, bool) or jobs <= 0:
                raise ScenarioError(f"{source}, {key} n° {i}, champ « emplois » : nombre positif attendu")
            employers.append((sector, sign * float(jobs)))
    attract = data.get("attractivite", 0) or 0
    if not isinstance(attract, int | float) or isinstance(attract, bool) or not -0.5 <= attract <= 0.5:
        raise ScenarioError(f"{source}, champ « attractivite » : part de l'emploi entre -0,5 et 0,5 attendue")
    return Scenario(
        name=str(data.get("nom") or "local"),
        label=str(data.get("nom") or "Scénario local"),
        date=str(data.get("date", "")),
        description=str(data.get("description", "")),
        creation_shift=base.creation_shift,
        retirement_shift=shift,
        employers=tuple(employers),
        attractiveness=float(attract),
    )
