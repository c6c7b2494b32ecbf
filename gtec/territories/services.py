"""Loading the geography (régions → communes, EPCI, zones d'emploi, bassins BMO, custom territories)."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction

from gtec.imports.services import importrun_record
from gtec.imports.sync import Counts, sync
from gtec.territories.models import Membership, Territory, make_key
from gtec_core.sources import geo as geo_source

CUSTOM_FILE = Path(__file__).resolve().parent.parent.parent / "gtec_core" / "parameters" / "territories.yaml"


def territory_row(scale: str, code: str, name: str, **extra) -> dict:
    row = {
        "key": make_key(scale, code),
        "scale": scale,
        "code": code,
        "name": name,
        "population": 0,
        "nature": "",
        "postal_codes": "",
        "description": "",
        "geometry": "",
        "editable": False,
    }
    row.update(extra)
    return row


def custom_definitions(path: Path = CUSTOM_FILE) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def geo_import(data_dir: Path, *, progress=None) -> tuple[str, dict[str, Counts]]:
    geo = geo_source.read_geography(data_dir)
    communes = geo.communes.to_dicts()
    pop = {c["code"]: c["population"] for c in communes}
    members: dict[str, set[str]] = {}

    def add(key: str, commune: str) -> None:
        members.setdefault(key, set()).add(commune)

    for c in communes:
        add(make_key("dep", c["dep"]), c["code"])
        add(make_key("reg", c["reg"]), c["code"])
    for r in geo.epci_communes.to_dicts():
        add(make_key("epci", r["epci"]), r["commune"])
    for r in geo.ze_communes.to_dicts():
        add(make_key("ze", r["ze"]), r["commune"])
    for r in geo.bassin_communes.to_dicts():
        add(make_key("bassin", str(r["bassin"])), r["commune"])
    customs = custom_definitions()
    for d in customs:
        for code in d.get("communes", []):
            add(make_key("custom", d["slug"]), str(code))
        for scale in ("epci", "ze"):
            for code in d.get(scale, []):
                for commune in members.get(make_key(scale, str(code)), ()):
                    add(make_key("custom", d["slug"]), commune)

    def population(key: str) -> int:
        return sum(pop.get(c, 0) for c in members.get(key, ()))

    rows = [
        territory_row("reg", r["code"], r["libelle"], population=population(make_key("reg", r["code"])))
        for r in geo.regions.to_dicts()
    ]
    rows += [
        territory_row("dep", r["code"], r["libelle"], population=population(make_key("dep", r["code"])))
        for r in geo.departements.to_dicts()
    ]
    rows += [
        territory_row(
            "epci",
            r["code"],
            r["libelle"],
            nature=r["nature"],
            population=population(make_key("epci", r["code"])),
        )
        for r in geo.epci.to_dicts()
    ]
    rows += [
        territory_row("ze", r["code"], r["libelle"], population=population(make_key("ze", r["code"])))
        for r in geo.ze.to_dicts()
    ]
    rows += [
        territory_row(
            "bassin", str(r["code"]), r["libelle"], population=population(make_key("bassin", str(r["code"])))
        )
        for r in geo.bassins.to_dicts()
    ]
    rows += [
        territory_row(
            "commune",
            c["code"],
            c["libelle"],
            population=c["population"] or 0,
            postal_codes=c["postal_codes"] or "",
            geometry=geo.geometries.get(c["code"], ""),
        )
        for c in communes
    ]
    rows += [
        territory_row(
            "custom",
            d["slug"],
            d["name"],
            description=" ".join(d.get("description", "").split()),
            population=population(make_key("custom", d["slug"])),
        )
        for d in customs
    ]

    counts: dict[str, Counts] = {}
    with transaction.atomic():
        if progress:
            progress("territoires", len(rows))
        counts["territoires"] = sync(Territory, rows, ("key",), scope={"editable": False})
        ids = dict(Territory.objects.values_list("key", "pk"))
        parent_of = {
            make_key("dep", r["code"]): make_key("reg", r["reg"]) for r in geo.departements.to_dicts()
        }
        parent_of |= {make_key("commune", c["code"]): make_key("dep", c["dep"]) for c in communes}
        parent_of |= {
            make_key("epci", r["code"]): make_key("dep", r["dep"]) for r in geo.epci.to_dicts() if r["dep"]
        }
        parents = [{"key": k, "parent_id": ids.get(p)} for k, p in parent_of.items()]
        counts["parents"] = sync(Territory, parents, ("key",), delete_missing=False)
        membership = [
            {"territory_id": ids[key], "commune_id": ids[make_key("commune", commune)]}
            for key, communes_of in members.items()
            if key in ids
            for commune in communes_of
            if make_key("commune", commune) in ids
        ]
        if progress:
            progress("appartenances", len(membership))
        counts["appartenances"] = sync(
            Membership, membership, ("territory_id", "commune_id"), scope={"territory__editable": False}
        )
        notes = "; ".join(
            f"{label} : {len(codes)} code{'s' if len(codes) > 1 else ''} sans commune actuelle ({', '.join(codes[:50])}{'…' if len(codes) > 50 else ''})"
            for label, codes in geo.unresolved.items()
        )
        importrun_record(
            source="geo",
            version="COG 2026, ZE2020 (2022), BMO 2024, EPCI DGCL 2025",
            data_dir=data_dir,
            files=geo.checksums,
            counts=counts,
            notes=notes,
        )
    return "COG 2026", counts
