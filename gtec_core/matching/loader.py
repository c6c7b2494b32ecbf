"""Load the text engine (engine.py) from a ROME 4.0 folder and, when present, an ESCO folder, once per
process; optionally cached on disk (a pickle keyed by the files' names, sizes and modification times and by
the engine's version), because fitting the models takes several seconds. Pure Python, no Django."""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
from pathlib import Path

from gtec_core.matching.engine import ENGINE_VERSION, TextEngine
from gtec_core.matching.referential import Referential, esco_occupations, from_folder

log = logging.getLogger(__name__)
_lock = threading.Lock()
_engines: dict[str, TextEngine] = {}


def _fingerprint(*folders: Path | None) -> str:
    digest = hashlib.sha256(ENGINE_VERSION.encode())
    for folder in folders:
        if folder is None or not Path(folder).exists():
            continue
        for path in sorted(Path(folder).rglob("*.csv")):
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{int(stat.st_mtime)}".encode())
    return digest.hexdigest()[:20]


def load_engine(rome: Path, esco: Path | None = None, cache_dir: Path | None = None) -> TextEngine:
    """The engine for these folders: from memory, else from `cache_dir`, else built (and cached)."""
    key = _fingerprint(rome, esco)
    with _lock:
        if key in _engines:
            return _engines[key]
        cache = Path(cache_dir) / f"text-engine-{key}.pickle" if cache_dir else None
        engine = None
        if cache and cache.exists():
            try:
                engine = pickle.loads(cache.read_bytes())
            except Exception:  # a stale or broken cache is rebuilt
                log.warning("cache du moteur de texte illisible, reconstruit : %s", cache)
        if engine is None:
            engine = TextEngine(from_folder(Path(rome)), esco_occupations(esco) if esco else None)
            if cache:
                save(engine, cache)
        _engines[key] = engine
        return engine


def build_engine(ref: Referential, esco: Path | None = None) -> TextEngine:
    """The engine for a referential assembled by the caller (the database, in gtec.referentials)."""
    return TextEngine(ref, esco_occupations(esco) if esco and Path(esco).exists() else None)


def cached_engine(key: str, build, cache_dir: Path, *folders: Path | None) -> TextEngine:
    """`build()` once per `key` (and engine version and input files), kept in `cache_dir` between processes."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    path = Path(cache_dir) / f"text-engine-db-{digest}-{_fingerprint(*folders)}.pickle"
    if path.exists():
        try:
            return pickle.loads(path.read_bytes())
        except Exception:  # a stale or broken cache is rebuilt
            log.warning("cache du moteur de texte illisible, reconstruit : %s", path)
    engine = build()
    save(engine, path)
    return engine


def save(engine: TextEngine, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(engine, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)
    except OSError as error:
        log.warning("cache du moteur de texte non écrit (%s) : %s", path, error)
