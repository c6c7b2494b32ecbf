"""`gtec data list|fetch` through Django's call_command and the `gtec` console entry point, against the
local range-capable server of tests/core/test_fetch.py (no database needed)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from gtec.cli import main as gtec_main
from gtec_core.sources import registry
from tests.core.test_fetch import SHARED, MirrorServer


@pytest.fixture
def server():
    with MirrorServer(SHARED) as mirror:
        yield mirror


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("data", *args, stdout=out)
    return out.getvalue()


def test_list_prints_every_source_in_french():
    output = run("list")
    for source in registry.SOURCES:
        assert f"{source.name} — {source.label}" in output
    assert "producteur : France Travail" in output
    assert "https://datanova.laposte.fr/data-fair/api/v1/datasets/laposte-hexasmal/raw" in output
    assert "archive extraite dans rome4/" in output


def test_fetch_downloads_the_selected_sources(server, tmp_path):
    output = run(
        "fetch", "--source", "dares_tension", "defm", "--data-dir", str(tmp_path), "--mirror", server.url
    )
    targets = [d.target for name in ("dares_tension", "defm") for d in registry.get(name).downloads]
    for target in targets:
        assert (tmp_path / target).read_bytes() == (SHARED / target).read_bytes()
    assert "4 fichier(s) téléchargé(s), 0 déjà présent(s)" in output
    assert {path for path, _ in server.seen} == set(targets)


def test_fetch_again_downloads_nothing(server, tmp_path):
    run("fetch", "--source", "lheo", "--data-dir", str(tmp_path), "--mirror", server.url)
    seen = len(server.seen)
    output = run("fetch", "--source", "lheo", "--data-dir", str(tmp_path), "--mirror", server.url)
    assert "0 fichier(s) téléchargé(s), 2 déjà présent(s)" in output
    assert len(server.seen) == seen


def test_mirror_comes_from_the_environment(server, tmp_path, monkeypatch):
    monkeypatch.setenv("GTEC_SOURCES_MIRROR", server.url)
    run("fetch", "--source", "defm", "--data-dir", str(tmp_path))
    target = registry.get("defm").downloads[0].target
    assert (tmp_path / target).read_bytes() == (SHARED / target).read_bytes()
    assert server.seen == [(target, None)]


def test_unknown_source_is_a_french_command_error(tmp_path):
    with pytest.raises(CommandError, match="source inconnue : « esco »"):
        run("fetch", "--source", "esco", "--data-dir", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_failed_download_is_a_french_command_error(server, tmp_path):
    # The ROME zip is not in the shared copy: the mirror answers 404.
    with pytest.raises(
        CommandError, match=r"téléchargement arrêté — rome4/RefRomeCsv.zip : le serveur a répondu 404"
    ):
        run("fetch", "--source", "rome", "--data-dir", str(tmp_path), "--mirror", server.url)
    assert not (tmp_path / "rome4" / "RefRomeCsv.zip").exists()


def test_manual_source_is_reported(tmp_path):
    output = run("fetch", "--source", "rncp", "--data-dir", str(tmp_path))
    assert "pas de téléchargement automatique" in output
    assert "à télécharger à la main : rncp" in output


def test_gtec_console_script_maps_data_to_the_command(capsys):
    gtec_main(["gtec", "data", "list", "--source", "laposte"])
    output = capsys.readouterr().out
    assert "laposte — Base officielle des codes postaux" in output
    assert "laposte_hexasmal/laposte_hexasmal.csv" in output
