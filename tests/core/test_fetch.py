"""`gtec_core.fetch` against a local HTTP server that serves a folder laid out like the data folder and
honours `Range: bytes=N-` requests (206), with switches to cut a response short or to ignore ranges."""

from __future__ import annotations

import hashlib
import os
import re
import threading
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from gtec_core.fetch import FetchError, fetch_file, fetch_sources
from gtec_core.sources import registry
from gtec_core.sources.registry import Archive, Download

SHARED = Path(os.environ.get("GTEC_DATA_DIR") or Path(__file__).resolve().parents[3] / "shared" / "data")


class RangeHandler(SimpleHTTPRequestHandler):
    """Serves `server.root`; records each request; supports single open-ended byte ranges."""

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        server = self.server
        relative = unquote(urlsplit(self.path).path).lstrip("/")
        server.seen.append((relative, self.headers.get("Range")))
        path = server.root / relative
        if not path.is_file():
            self.send_error(404)
            return
        data = path.read_bytes()
        start = 0
        match = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or "")
        if match and not server.ignore_range:
            start = int(match.group(1))
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        cut = server.cut_after.pop(relative, None)
        self.wfile.write(body if cut is None else body[:cut])
        self.wfile.flush()


class MirrorServer:
    """A threaded server on 127.0.0.1, port chosen by the system; `url` is the mirror prefix."""

    def __init__(self, root: Path):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(RangeHandler, directory=str(root)))
        self.httpd.root = Path(root)
        self.httpd.seen = []
        self.httpd.cut_after = {}  # relative path -> bytes sent before closing (first request only)
        self.httpd.ignore_range = False
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> MirrorServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def seen(self) -> list[tuple[str, str | None]]:
        return self.httpd.seen


@pytest.fixture
def shared_server():
    with MirrorServer(SHARED) as server:
        yield server


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_full_fetch_is_byte_identical_and_checksums_match(shared_server, tmp_path):
    sources = [registry.get(name) for name in ("dares_tension", "fap", "lheo", "defm")]
    messages: list[str] = []
    report = fetch_sources(sources, tmp_path, mirror=shared_server.url, progress=messages.append)
    targets = [d.target for s in sources for d in s.downloads]
    assert report.downloaded == targets
    for target in targets:
        assert (tmp_path / target).read_bytes() == (SHARED / target).read_bytes()
        assert not (tmp_path / (target + ".part")).exists()
    assert any("terminé" in m for m in messages)


def test_registry_checksums_are_those_of_the_shared_copy():
    declared = [d for s in registry.SOURCES for d in s.downloads if d.sha256]
    assert len(declared) > 20
    for download in declared:
        assert sha(SHARED / download.target) == download.sha256, download.target


def test_interrupted_download_resumes_with_range(shared_server, tmp_path):
    target = "dares_tension/tensions.csv"
    download = next(d for d in registry.get("dares_tension").downloads if d.target == target)
    shared_server.httpd.cut_after[target] = 300_000
    assert fetch_file(download, tmp_path, url=f"{shared_server.url}/{target}") is True
    assert (tmp_path / target).read_bytes() == (SHARED / target).read_bytes()
    assert shared_server.seen == [(target, None), (target, "bytes=300000-")]


def test_existing_part_file_is_resumed(shared_server, tmp_path):
    target = "lheo/FCod-utf-8.csv"
    download = next(d for d in registry.get("lheo").downloads if d.target == target)
    part = tmp_path / (target + ".part")
    part.parent.mkdir(parents=True)
    part.write_bytes((SHARED / target).read_bytes()[:12345])
    fetch_sources([registry.get("lheo")], tmp_path, mirror=shared_server.url)
    assert (target, "bytes=12345-") in shared_server.seen
    assert sha(tmp_path / target) == download.sha256
    assert not part.exists()


def test_server_without_range_support_restarts_from_zero(shared_server, tmp_path):
    target = "dares_tension/evol_tensions.csv"
    download = next(d for d in registry.get("dares_tension").downloads if d.target == target)
    shared_server.httpd.ignore_range = True
    part = tmp_path / (target + ".part")
    part.parent.mkdir(parents=True)
    part.write_bytes(b"garbage that is not the start of the file")
    fetch_file(download, tmp_path, url=f"{shared_server.url}/{target}")
    assert shared_server.seen[0][1] is not None
    assert (tmp_path / target).read_bytes() == (SHARED / target).read_bytes()


def test_checksum_mismatch_fails_and_leaves_no_file(shared_server, tmp_path):
    target = "dares_tension/evol_tensions.csv"
    wrong = "0" * 64
    download = Download("https://example.invalid/evol_tensions.csv", target, sha256=wrong)
    with pytest.raises(FetchError) as error:
        fetch_sources(
            [registry.Source("t", "t", "t", "t", "t", (download,))], tmp_path, mirror=shared_server.url
        )
    message = str(error.value)
    assert target in message and wrong in message and sha(SHARED / target) in message
    assert "somme de contrôle" in message
    assert not (tmp_path / target).exists()
    assert not (tmp_path / (target + ".part")).exists()


def test_mapping_mirror_replaces_one_url(shared_server, tmp_path):
    download = registry.get("defm").downloads[0]
    mirror = {download.url: f"{shared_server.url}/{download.target}"}
    report = fetch_sources([registry.get("defm")], tmp_path, mirror=mirror)
    assert report.downloaded == [download.target]
    assert sha(tmp_path / download.target) == download.sha256


def make_rome_zip(root: Path, members: dict[str, bytes]) -> Path:
    path = root / "rome4" / "RefRomeCsv.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as book:
        for name, data in members.items():
            book.writestr(name, data)
    return path


def test_rome_zip_is_extracted(tmp_path):
    mirror_root, data_dir = tmp_path / "mirror", tmp_path / "data"
    names = ["unix_grand_domaine_v460_utf8.csv", "unix_referentiel_code_rome_v460_utf8.csv"]
    make_rome_zip(
        mirror_root,
        {f"RefRomeCsv/{n}": (SHARED / "rome4" / n).read_bytes() for n in names} | {"notice.pdf": b"%PDF"},
    )
    with MirrorServer(mirror_root) as server:
        report = fetch_sources([registry.get("rome")], data_dir, mirror=server.url)
    assert sorted(report.extracted) == [f"rome4/{n}" for n in sorted(names)]
    for name in names:
        assert (data_dir / "rome4" / name).read_bytes() == (SHARED / "rome4" / name).read_bytes()
    assert not (data_dir / "rome4" / "notice.pdf").exists()


def test_zip_with_parent_member_is_refused(tmp_path):
    mirror_root, data_dir = tmp_path / "mirror", tmp_path / "data"
    make_rome_zip(mirror_root, {"unix_ok_v1_utf8.csv": b"a", "../evil.csv": b"owned"})
    download = Download(
        "https://example.invalid/RefRomeCsv.zip", "rome4/RefRomeCsv.zip", archive=Archive("rome4")
    )
    with MirrorServer(mirror_root) as server, pytest.raises(FetchError, match=r"archive refusée.*\.\./evil"):
        fetch_sources([registry.Source("t", "t", "t", "t", "t", (download,))], data_dir, mirror=server.url)
    assert not (tmp_path / "evil.csv").exists() and not (data_dir / "evil.csv").exists()
    assert not (data_dir / "rome4" / "unix_ok_v1_utf8.csv").exists()


def test_rerun_downloads_nothing(shared_server, tmp_path):
    sources = [registry.get("dares_tension"), registry.get("defm")]
    fetch_sources(sources, tmp_path, mirror=shared_server.url)
    requests_after_first_run = len(shared_server.seen)
    report = fetch_sources(sources, tmp_path, mirror=shared_server.url)
    assert report.downloaded == []
    assert len(report.present) == 4
    assert len(shared_server.seen) == requests_after_first_run


def test_unreachable_server_is_a_clear_error(tmp_path):
    download = Download("http://127.0.0.1:9/none.csv", "x/none.csv")
    with pytest.raises(FetchError, match="injoignable"):
        fetch_file(download, tmp_path, retries=0, timeout=5)
    assert not (tmp_path / "x" / "none.csv").exists()


def test_missing_file_on_server_is_reported(shared_server, tmp_path):
    download = Download("https://example.invalid/absent.csv", "absent/absent.csv")
    with pytest.raises(FetchError, match="404"):
        fetch_file(download, tmp_path, url=f"{shared_server.url}/absent/absent.csv")
    assert not (tmp_path / "absent" / "absent.csv").exists()
