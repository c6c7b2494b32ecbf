"""Errors raised when an official file cannot be read as its publisher describes it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class SourceError(Exception):
    """A file that does not match its declared layout. The message is in French because it is shown to
    the person who runs the import; it always names the file, and the line and column when known."""

    path: Path | str
    message: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = str(Path(self.path).name if self.path else "?")
        if self.line is not None:
            where += f", ligne {self.line}"
        if self.column:
            where += f", colonne « {self.column} »"
        return f"{where} : {self.message}"
