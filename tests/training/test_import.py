"""LHEO and RNCP imports into the database: the real sample, generated files, idempotent re-import,
updated exports (changed and removed sessions, removed formations), rejected records that keep what is
stored, refused files that change nothing, and the ROME links with their routes."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from gtec.imports.models import ImportRun
from gtec.training import models as m
from gtec.training.lheo_import import lheo_import
from gtec.training.rncp_import import rncp_import
from gtec_core.demo.lheo import generate

pytestmark = pytest.mark.django_db
DATA = Path(settings.GTEC_DATA_DIR)
SAMPLE = DATA / "lheo" / "exemple-bts-onisep-lheo2.2.xml"


def run_json(*args) -> dict:
    out = io.StringIO()
    call_command("import_lheo", *map(str, args), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_real_sample_is_stored_with_its_links():
    summary = run_json(SAMPLE, "--flux", "t-sample")
    assert {k: summary[k] for k in ("formations", "actions", "sessions", "organismes")} == {
        "formations": 1,
        "actions": 1,
        "sessions": 1,
        "organismes": 1,
    }
    assert summary["rejected"] == [] and summary["version"] == "2.2"
    formation = m.Formation.objects.get(flux="t-sample", numero="9436_18706")
    assert formation.organisme.siret == "19290076900014"
    action = formation.actions.get()
    assert (action.code_insee, action.latitude) == ("29233", pytest.approx(47.882108))
    links = {link.fiche_id: (link.route, link.confidence) for link in action.fiche_links.all()}
    assert links["D1402"] == ("lheo", 1.0) and links["D1403"] == ("lheo", 1.0)
    run = ImportRun.objects.get(pk=summary["import_run"])
    assert run.source == "lheo" and not run.synthetic and len(run.files[SAMPLE.name]) == 64


def test_reimport_changes_nothing():
    first = run_json(SAMPLE, "--flux", "t-idem")
    second = run_json(SAMPLE, "--flux", "t-idem")
    assert first["changes"]["sessions"]["created"] == 1
    for table, counts in second["changes"].items():
        assert counts["created"] == counts["updated"] == counts["deleted"] == 0, table


def edit(path: Path, text: str, old: str, new: str, count: int = 1) -> Path:
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def test_updated_export_updates_and_removes(tmp_path):
    demo = generate(tmp_path / "d", seed=7, scale=0.05)  # 15 formations
    first = lheo_import(demo["lheo"], flux="t-upd")
    text = demo["lheo"].read_text(encoding="utf-8")
    stored = m.Session.objects.filter(action__formation__flux="t-upd")
    moved = stored.get(numero="DEMO-F000001-A1-S1")
    # an action with several sessions loses its last one
    action = next(
        a
        for a in m.Action.objects.filter(formation__flux="t-upd").exclude(formation__numero="DEMO-F000002")
        if a.sessions.count() > 1
    )
    dropped = action.sessions.order_by("-numero").first()
    # F1's first session starts a day earlier; F2 disappears; `dropped` disappears
    lines = [line for line in text.splitlines(keepends=True) if 'numero="DEMO-F000002"' not in line]
    text = "".join(lines)
    start = text.index('<session numero="DEMO-F000001-A1-S1">')
    new_debut = moved.debut - dt.timedelta(days=1)
    text = text[:start] + text[start:].replace(
        f"<debut>{moved.debut:%Y%m%d}</debut>", f"<debut>{new_debut:%Y%m%d}</debut>", 1
    )
    s0 = text.index(f'<session numero="{dropped.numero}">')
    text = text[:s0] + text[text.index("</session>", s0) + len("</session>") :]
    path = tmp_path / "v2.xml"
    path.write_text(text, encoding="utf-8")
    before = stored.count()
    f2_sessions = stored.filter(action__formation__numero="DEMO-F000002").count()
    second = lheo_import(path, flux="t-upd")
    moved.refresh_from_db()
    assert moved.debut == new_debut
    assert second.counts["sessions"].updated == 1
    assert second.counts["sessions"].deleted == (
        0 if dropped.action.formation.numero == "DEMO-F000002" else 1
    )
    assert not stored.filter(pk=dropped.pk).exists()
    assert not m.Formation.objects.filter(flux="t-upd", numero="DEMO-F000002").exists()
    assert second.counts["formations"].deleted == 1
    assert stored.count() == before - f2_sessions - (
        0 if dropped.action.formation.numero == "DEMO-F000002" else 1
    )
    assert second.formations == first.formations - 1
    third = lheo_import(path, flux="t-upd")
    assert not any(c.changed for c in third.counts.values())


def test_rejected_records_keep_what_is_stored(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    lheo_import(SAMPLE, flux="t-rej")
    bad = edit(tmp_path / "bad.xml", text, "<debut>20150901</debut>", "<debut>20150931</debut>")
    summary = run_json(bad, "--flux", "t-rej")
    assert summary["rejected"][0] == {
        "formation": "9436_18706",
        "action": "9436_18706",
        "session": "9436_18706",
        "line": summary["rejected"][0]["line"],
        "field": "periode/debut",
        "message": "date « 20150931 » inexistante",
    }
    assert summary["rejected"][0]["line"] > 60
    # the session was rejected, then its action (no valid session left), then the formation: all kept
    assert m.Session.objects.filter(action__formation__flux="t-rej").count() == 1
    assert summary["changes"]["formations"]["deleted"] == 0 and summary["changes"]["sessions"]["deleted"] == 0


def test_refused_file_changes_nothing_and_fails(tmp_path):
    lheo_import(SAMPLE, flux="t-refused")
    truncated = tmp_path / "cut.xml"
    truncated.write_text(SAMPLE.read_text(encoding="utf-8")[:3000], encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="refusé"):
        call_command("import_lheo", str(truncated), "--flux", "t-refused", "--json", stdout=out)
    assert "XML mal formé" in json.loads(out.getvalue())["error"]
    assert m.Session.objects.filter(action__formation__flux="t-refused").count() == 1
    empty = tmp_path / "empty.xml"
    empty.write_text('<?xml version="1.0"?><lheo xmlns="http://lheo.gouv.fr/2.3"><offres></offres></lheo>')
    # a valid empty export covers no training body: it deletes nothing (the deletion scope is what the file
    # covers — security review 2026-12-04 §6.2, a second catalogue deleted every formation of the first)
    lheo_import(empty, flux="t-refused")
    assert m.Formation.objects.filter(flux="t-refused").count() == 1


def test_feeds_do_not_delete_each_other():
    lheo_import(SAMPLE, flux="t-a")
    lheo_import(SAMPLE, flux="t-b")
    assert m.Formation.objects.filter(numero="9436_18706", flux__in=["t-a", "t-b"]).count() == 2


def test_generated_file_links_by_every_route(training_data):
    routes = dict(
        m.ActionFiche.objects.filter(action__formation__flux="demo")
        .values_list("route")
        .annotate(n=Count("id"))
    )
    assert set(routes) >= {"lheo", "rncp", "titre"}
    linked = m.Action.objects.filter(formation__flux="demo", fiche_links__isnull=False).distinct().count()
    assert linked / m.Action.objects.filter(formation__flux="demo").count() > 0.95
    # "Titre professionnel Agent de restauration" declares no ROME code: its certification gives G1603/G1602
    agent = m.ActionFiche.objects.filter(
        action__formation__intitule="Titre professionnel Agent de restauration"
    )
    assert {(link.fiche_id, link.route) for link in agent} >= {("G1603", "rncp"), ("G1602", "rncp")}
    # a non-certifying course without ROME code is classified by its title
    avf = m.ActionFiche.objects.filter(action__formation__intitule="Assistant de vie aux familles")
    assert {link.route for link in avf} == {"titre"} and "K1311" in {link.fiche_id for link in avf}
    assert all(0 < link.confidence <= 0.7 for link in avf)
    # a first-aid course names no occupation: no link rather than a wrong one
    sst = m.ActionFiche.objects.filter(action__formation__intitule__startswith="Sauveteur secouriste")
    assert not sst.exists()
    assert m.Formation.objects.filter(flux="demo", synthetic=False).count() == 0
    assert ImportRun.objects.filter(source="lheo", synthetic=True).exists()


def test_rncp_import_links_certifications_and_is_idempotent(training_data):
    cert = (
        m.Certification.objects.get(code="RNCP26572")
        if m.Certification.objects.filter(code="RNCP26572").exists()
        else None
    )
    assert cert is None  # only in the Rome table of the excerpt: stored as a link, not a fiche
    assert m.CertificationRome.objects.filter(certification_code="RNCP26572", code_rome="H2102").exists()
    assert m.Certification.objects.get(code="RNCP35477").niveau == "NIV6"
    assert m.BlocCompetences.objects.filter(certification_code="RNCP900101").count() == 2
    _, counts = rncp_import(DATA / "rncp")  # the last folder the fixture imported
    assert not any(c.changed for c in counts.values()), counts
