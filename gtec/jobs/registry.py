"""The kinds of background job: each a name, a French label and a function `run(params, progress)` that
does the work in one transaction (so a failure leaves nothing half-written) and returns a summary (a
JSON-able dict with a French `resume`). Kinds are declared in gtec/jobs/kinds.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Progress = Callable[[int, str], None]  # (percent, French step)


class JobError(Exception):
    """A failure to show as is to the person who asked for the job (French, names file, line and field)."""

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.details = details or []


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    run: Callable[[dict, Progress], dict]


KINDS: dict[str, JobKind] = {}


def register(name: str, label: str):
    def decorate(fn: Callable[[dict, Progress], dict]):
        if name in KINDS:
            raise ValueError(f"type de traitement déclaré deux fois : {name}")
        KINDS[name] = JobKind(name, label, fn)
        return fn

    return decorate


def kind(name: str) -> JobKind:
    from gtec.jobs import kinds  # noqa: F401  (declares the kinds)

    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"type de traitement inconnu : {name}") from None
