"""A widget embedded in a partner's page on another origin (a second local port) renders and is sized by the
loader script; the same snippet on an origin the token does not allow is refused by the browser."""

from __future__ import annotations

import json
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.browser.conftest import SHOTS
from tests.browser.test_needs import django_script

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SETUP = """
import json, sys
from gtec.api import services
from tests.surveys import helpers as h
org = h.company("Partenaire widget")
new = services.token_create(organisation=org, name="site", scopes=["widget"], origins=[sys.argv[1]])
print(json.dumps(new.raw))
"""
TEARDOWN = """
from gtec.organisations.models import Organisation
Organisation.objects.filter(name="Partenaire widget").delete()
"""


def partner_site(folder, html: str):
    (folder / "index.html").write_text(html, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_widget_on_allowed_origin_renders_and_elsewhere_is_refused(page, live_url, tmp_path):
    allowed_dir, other_dir = tmp_path / "a", tmp_path / "b"
    allowed_dir.mkdir()
    other_dir.mkdir()
    allowed = partner_site(allowed_dir, "")
    other = partner_site(other_dir, "")
    try:
        origin = f"http://127.0.0.1:{allowed.server_port}"
        django_script(TEARDOWN)
        raw = json.loads(django_script(SETUP.replace("sys.argv[1]", repr(origin))).strip().splitlines()[-1])
        snippet = (
            f'<iframe data-gtec-widget src="{live_url}/widgets/parcours/?jeton={raw}" title="Mon parcours (GTEC)"'
            ' style="width:100%;max-width:480px;height:60px;border:0"></iframe>'
            f'<script src="{live_url}/widgets/gtec-widget.js" async></script>'
        )
        html = f'<!doctype html><html lang="fr"><body><h1>Site partenaire</h1>{snippet}</body></html>'
        (allowed_dir / "index.html").write_text(html, encoding="utf-8")
        (other_dir / "index.html").write_text(html, encoding="utf-8")

        page.goto(origin + "/index.html")
        frame = page.frame_locator("iframe[data-gtec-widget]")
        frame.get_by_role("heading", name="Mon parcours").wait_for(timeout=15000)
        assert frame.get_by_label("Votre métier").is_visible()
        deadline = time.time() + 10
        height = 60
        while time.time() < deadline and height <= 60:
            height = page.evaluate("document.querySelector('iframe').getBoundingClientRect().height")
            time.sleep(0.2)
        assert height > 60  # sized from the height the widget posted
        page.screenshot(path=str(SHOTS / "widget-partenaire.png"), full_page=True)

        page.goto(f"http://127.0.0.1:{other.server_port}/index.html")
        time.sleep(2)
        child = page.frames[1] if len(page.frames) > 1 else None
        rendered = child is not None and child.url.startswith(live_url) and child.query_selector("h1#w-title")
        assert not rendered  # blocked: frame-ancestors (and the server's own check) refuse this origin
        page.screenshot(path=str(SHOTS / "widget-refuse.png"), full_page=True)
    finally:
        allowed.shutdown()
        other.shutdown()
        django_script(TEARDOWN)
