"""Downloading the official files declared in `gtec_core.sources.registry` into the data folder.

Rules (the files are large and the publishers' servers slow, so a download must survive an interruption and
never leave a half-written file where an importer would read it):
- each file is written to `<target>.part`, then renamed atomically once complete and verified;
- an existing `.part` is resumed with an HTTP `Range: bytes=N-` request; a `206 Partial Content` answer is
  appended, a `200 OK` (server without range support) restarts from zero; a connection cut mid-way is
  resumed the same way, a few times, before giving up (the `.part` is kept for the next run);
- when the registry declares a SHA-256, the complete file must match it, otherwise the `.part` is deleted
  and the error names the file and both checksums; a file already present with the right checksum (or
  present at all when no checksum is declared) is not downloaded again;
- zip archives are unpacked member by member; a member with an absolute path or a `..` component is
  refused before anything is written.

A mirror replaces the publishers' addresses (tests, offline copies): either a URL prefix under which the
files follow the data-folder layout (`<prefix>/<target>`), or a mapping official URL → replacement URL. The
environment variable GTEC_SOURCES_MIRROR gives the prefix (docs/environment.md).
"""

from __future__ import annotations

import fnmatch
import http.client
import os
import re
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from gtec_core.french import format_fr
from gtec_core.sources.registry import Archive, Download, Source
from gtec_core.tabular import sha256_file

MIRROR_ENV = "GTEC_SOURCES_MIRROR"
USER_AGENT = "gtec-data-fetch/1.0"
CHUNK = 1 << 16
REPORT_EVERY = 8 << 20

Progress = Callable[[str], None]
Mirror = str | Mapping[str, str] | None


class FetchError(Exception):
    """A download that could not be completed; the message (French) is shown as is to the user."""


class Interrupted(Exception):
    """The connection ended before the announced size: the `.part` is kept and may be resumed."""


@dataclass
class FetchReport:
    downloaded: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    extracted: list[str] = field(default_factory=list)
    manual: list[str] = field(default_factory=list)


def mirror_from_env() -> str | None:
    return os.environ.get(MIRROR_ENV) or None


def resolve_url(download: Download, mirror: Mirror) -> str:
    """The address actually requested for `download`, given an optional mirror."""
    if mirror is None:
        return download.url
    if isinstance(mirror, str):
        return f"{mirror.rstrip('/')}/{quote(download.target)}"
    return mirror.get(download.url, download.url)


def part_path(final: Path) -> Path:
    return final.with_name(final.name + ".part")


def size_text(n: int) -> str:
    return f"{format_fr(n / 1_000_000, 1)} Mo"


def fetch_sources(
    sources: Iterable[Source],
    data_dir: Path,
    *,
    mirror: Mirror = None,
    progress: Progress | None = None,
    retries: int = 3,
    timeout: float = 60,
) -> FetchReport:
    """Download (or check) every file of `sources` into `data_dir`. Raises FetchError on the first failure."""
    say = progress or (lambda _message: None)
    data_dir = Path(data_dir)
    report = FetchReport()
    for source in sources:
        if not source.downloads:
            say(f"{source.name} : pas de téléchargement automatique — voir {source.page}")
            report.manual.append(source.name)
            continue
        for download in source.downloads:
            url = resolve_url(download, mirror)
            done = fetch_file(download, data_dir, url=url, progress=say, retries=retries, timeout=timeout)
            (report.downloaded if done else report.present).append(download.target)
            if download.archive is not None:
                report.extracted += extract_if_needed(download, data_dir, fresh=done, progress=say)
    return report


def fetch_file(
    download: Download,
    data_dir: Path,
    *,
    url: str | None = None,
    progress: Progress | None = None,
    retries: int = 3,
    timeout: float = 60,
) -> bool:
    """Bring one file to `data_dir/target`. Returns True when bytes were downloaded, False when the file was
    already present (and, when declared, had the right checksum)."""
    say = progress or (lambda _message: None)
    url = url or download.url
    final = Path(data_dir) / download.target
    if final.is_file():
        if download.sha256 is None:
            say(f"{download.target} : déjà présent")
            return False
        if sha256_file(final) == download.sha256:
            say(f"{download.target} : déjà présent, somme de contrôle vérifiée")
            return False
        say(f"{download.target} : présent mais somme de contrôle différente, nouveau téléchargement")
    final.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(final)
    attempt = 0
    while True:
        try:
            transfer(url, part, download.target, say, timeout)
            break
        except Interrupted as exc:
            attempt += 1
            if attempt > retries:
                raise FetchError(
                    f"{download.target} : téléchargement interrompu ({exc}) après {retries + 1} tentatives ; "
                    f"le fichier partiel {part.name} est conservé, relancez la commande pour reprendre"
                ) from None
            say(f"{download.target} : connexion interrompue ({exc}), reprise (tentative {attempt + 1})")
            time.sleep(min(0.2 * attempt, 2))
    if download.sha256 is not None:
        actual = sha256_file(part)
        if actual != download.sha256:
            part.unlink()
            raise FetchError(
                f"{download.target} : somme de contrôle SHA-256 incorrecte — attendue {download.sha256}, "
                f"obtenue {actual} (téléchargé depuis {url}) ; le fichier partiel a été supprimé"
            )
    os.replace(part, final)
    say(f"{download.target} : terminé ({size_text(final.stat().st_size)})")
    return True


def transfer(url: str, part: Path, target: str, say: Progress, timeout: float) -> None:
    """One HTTP request: append to `part` (206) or rewrite it (200) until the announced size."""
    offset = part.stat().st_size if part.exists() else 0
    headers = {"User-Agent": USER_AGENT}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    request = urllib.request.Request(url, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and offset:
            say(f"{target} : fichier partiel déjà complet ({size_text(offset)})")
            return
        raise FetchError(f"{target} : le serveur a répondu {exc.code} {exc.reason} pour {url}") from None
    except (OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"{target} : serveur injoignable ({reason}) pour {url}") from None
    with response:
        status = response.status
        length = response.headers.get("Content-Length")
        if offset and status == 206:
            match = re.match(r"bytes (\d+)-", response.headers.get("Content-Range", ""))
            if not match or int(match.group(1)) != offset:
                raise FetchError(
                    f"{target} : réponse partielle incohérente (Content-Range « {response.headers.get('Content-Range')} »)"
                )
            say(f"{target} : reprise à {size_text(offset)}")
            mode = "ab"
        elif status == 200:
            if offset:
                say(f"{target} : le serveur ne sait pas reprendre, téléchargement depuis le début")
            offset, mode = 0, "wb"
        else:
            raise FetchError(f"{target} : réponse HTTP {status} inattendue pour {url}")
        expected = offset + int(length) if length is not None else None
        say(f"{target} : téléchargement depuis {url}" + (f" ({size_text(expected)})" if expected else ""))
        written = offset
        next_report = written + REPORT_EVERY
        with open(part, mode) as handle:
            try:
                while chunk := response.read(CHUNK):
                    handle.write(chunk)
                    written += len(chunk)
                    if written >= next_report:
                        say(
                            f"{target} : {size_text(written)}"
                            + (f" / {size_text(expected)}" if expected else "")
                        )
                        next_report = written + REPORT_EVERY
            except (OSError, http.client.HTTPException) as exc:
                raise Interrupted(f"{written} octets reçus : {exc}") from None
    if expected is not None and written < expected:
        raise Interrupted(f"{written} octets reçus sur {expected}")


def member_target(name: str, archive: Archive) -> PurePosixPath | None:
    """Where a zip member goes, relative to `archive.into`; None for directories and unwanted members.
    Raises ValueError for a member that would escape the destination folder."""
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        raise ValueError("chemin absolu")
    path = PurePosixPath(name.replace("\\", "/"))
    if ".." in path.parts:
        raise ValueError("composant « .. »")
    if name.endswith(("/", "\\")) or not path.parts:
        return None
    if archive.members and not any(fnmatch.fnmatch(path.name, pattern) for pattern in archive.members):
        return None
    return PurePosixPath(path.name) if archive.flatten else path


def extract_zip(
    archive_path: Path, archive: Archive, data_dir: Path, progress: Progress | None = None
) -> list[str]:
    """Unpack `archive_path` into `data_dir/archive.into`; every member is checked before any is written.
    Returns the paths written, relative to `data_dir`."""
    say = progress or (lambda _message: None)
    data_dir = Path(data_dir)
    dest = (data_dir / archive.into).resolve()
    try:
        book = zipfile.ZipFile(archive_path)
    except zipfile.BadZipFile:
        raise FetchError(f"{archive_path.name} : archive zip illisible") from None
    with book:
        plan: list[tuple[zipfile.ZipInfo, Path]] = []
        for info in book.infolist():
            try:
                relative = member_target(info.filename, archive)
            except ValueError as why:
                raise FetchError(
                    f"{archive_path.name} : archive refusée, le membre « {info.filename} » a un {why}"
                ) from None
            if relative is None:
                continue
            target = (dest / relative).resolve()
            if not target.is_relative_to(dest):
                raise FetchError(
                    f"{archive_path.name} : archive refusée, le membre « {info.filename} » sort du dossier {archive.into}"
                )
            plan.append((info, target))
        written = []
        for info, target in plan:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = part_path(target)
            with book.open(info) as source, open(temporary, "wb") as sink:
                while chunk := source.read(CHUNK):
                    sink.write(chunk)
            os.replace(temporary, target)
            written.append(str(target.relative_to(data_dir.resolve())))
    say(f"{archive_path.name} : {len(written)} fichier(s) extrait(s) dans {archive.into}/")
    return written


def extract_if_needed(download: Download, data_dir: Path, *, fresh: bool, progress: Progress) -> list[str]:
    """Unpack after a new download, or when a member of the archive is missing on disk."""
    archive = download.archive
    assert archive is not None
    path = Path(data_dir) / download.target
    if not fresh:
        try:
            with zipfile.ZipFile(path) as book:
                wanted = [member_target(info.filename, archive) for info in book.infolist()]
        except (ValueError, zipfile.BadZipFile):
            return extract_zip(path, archive, data_dir, progress)  # reports the problem
        dest = Path(data_dir) / archive.into
        if all((dest / relative).is_file() for relative in wanted if relative is not None):
            return []
    return extract_zip(path, archive, data_dir, progress)
