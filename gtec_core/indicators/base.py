"""What every indicator shares: its declaration, its dated parameters and the shape of its result.

An indicator is declared once (name, French label, unit, period kind, official reference, parameters key,
inputs, documentation) and computed by a pure function `compute(frames, params) -> frame`. The result has
one row per territory × occupation × period (the keys present in the inputs) with `value` (Float64),
`status` (« ok », « secret », « insufficient ») and `counts`, a struct of the counts behind the value,
so that the stored observation can always be re-checked and secret rules re-applied.

Inputs follow two conventions: a missing row counts as zero (official flow files omit empty cells), and a
null count is a value suppressed at source (BMO « * ») that makes the result secret. An input frame may
also carry a boolean `secret` column (already protected by `gtec_core.secrecy`); the result inherits it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from gtec_core.secrecy import STATUS_INSUFFICIENT, STATUS_OK, STATUS_SECRET

PARAMETERS_DIR = Path(__file__).resolve().parent.parent / "parameters"
KEYS = ("territory", "occupation", "period")

Frames = Mapping[str, pl.DataFrame]
Params = Mapping[str, Any]
Compute = Callable[[Frames, Params], pl.DataFrame]


@dataclass(frozen=True)
class Indicator:
    """The declaration of one indicator (OpenFisca-style variable, registered explicitly)."""

    name: str
    label: str
    unit: str
    period: str
    reference: str
    reference_url: str | None
    parameters: str | None
    inputs: tuple[str, ...]
    compute: Compute
    documentation: str
    official_formula_public: bool = True
    # How to read a value, in plain French (the glossary page and the diagnostic show it).
    reading: str = ""
    # What it is computed for: « occupation » (each occupation, with a « tous métiers » row), « structure » (the
    # territory's employment structure as a whole) or « sector » (the territory's establishments by sector).
    scope: str = "occupation"
    # Shown in the comparison of two territories (its territory-wide value means something on its own).
    compared: bool = True

    def run(self, frames: Frames, params: Params | None = None) -> pl.DataFrame:
        """Compute with the given parameters, or with the dated YAML ones of `self.parameters`."""
        missing = [name for name in self.inputs if name not in frames]
        if missing:
            raise KeyError(f"{self.name}: missing input frame(s) {missing}")
        if params is None:
            params = load_parameters(self.parameters) if self.parameters else {}
        return self.compute(frames, params)


def load_parameters(key: str) -> dict[str, Any]:
    """Parameters of `file.section` from `gtec_core/parameters/file.yaml`. A parameter file must be dated
    and name its sources, so that every threshold and weight can be traced."""
    file, _, section = key.partition(".")
    path = PARAMETERS_DIR / f"{file}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not data.get("date") or not data.get("sources"):
        raise ValueError(f"{path.name}: a parameter file needs a date and its sources")
    return dict(data[section]) if section else dict(data)


def key_columns(frame: pl.DataFrame, keys: Sequence[str] = KEYS) -> list[str]:
    """The standard key columns present in a frame, in the standard order."""
    return [k for k in keys if k in frame.columns]


def join_inputs(frames: Frames, needed: Mapping[str, Sequence[str]]) -> tuple[pl.DataFrame, list[str]]:
    """Join the needed columns of several input frames on their common keys, the first frame defining
    the cells. Missing rows become zeros; nulls (suppressed at source) stay null; each input's `secret`
    column is kept as `_secret_<input>`."""
    names = list(needed)
    first = frames[names[0]]
    keys = key_columns(first)
    out = _select(first, keys, needed[names[0]], names[0])
    for name in names[1:]:
        other = frames[name]
        on = [k for k in keys if k in other.columns]
        part = _select(other, on, needed[name], name).with_columns(pl.lit(True).alias("_present"))
        out = out.join(part, on=on, how="left", maintain_order="left")
        absent = pl.col("_present").is_null()
        out = out.with_columns(
            [pl.when(absent).then(0).otherwise(pl.col(c)).alias(c) for c in needed[name]]
            + [pl.col(f"_secret_{name}").fill_null(False)]
        ).drop("_present")
    return out, keys


def _select(frame: pl.DataFrame, keys: Sequence[str], columns: Sequence[str], name: str) -> pl.DataFrame:
    missing = [c for c in [*keys, *columns] if c not in frame.columns]
    if missing:
        raise KeyError(f"input frame '{name}' lacks column(s) {missing}")
    secret = pl.col("secret").fill_null(False) if "secret" in frame.columns else pl.lit(False)
    return frame.select(*keys, *columns, secret.alias(f"_secret_{name}"))


def finish(
    frame: pl.DataFrame,
    keys: Sequence[str],
    value: pl.Expr,
    counts: Sequence[str],
    insufficient: pl.Expr,
) -> pl.DataFrame:
    """Standard result: keys, `value`, `status`, `counts`. Secret when a count is null (suppressed at
    source) or an input was secret; insufficient when the volume rule fails or the value is undefined
    (the value is kept when it can be computed, as the Dares keeps imputed values without category)."""
    flags = [c for c in frame.columns if c.startswith("_secret_")]
    secret = pl.any_horizontal(
        [pl.col(c).is_null() for c in counts] + [pl.col(f) for f in flags] + [pl.lit(False)]
    )
    out = frame.with_columns(value.cast(pl.Float64).alias("value"))
    out = out.with_columns(
        pl.when(pl.col("value").is_nan()).then(None).otherwise(pl.col("value")).alias("value"),
    )
    status = (
        pl.when(secret)
        .then(pl.lit(STATUS_SECRET))
        .when(insufficient.fill_null(True) | pl.col("value").is_null())
        .then(pl.lit(STATUS_INSUFFICIENT))
        .otherwise(pl.lit(STATUS_OK))
    )
    return out.select(*keys, "value", status.alias("status"), pl.struct(list(counts)).alias("counts"))


def safe_ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """numerator / denominator, null (never infinity) when the denominator is 0 or null."""
    return pl.when(denominator != 0).then(numerator / denominator).otherwise(None)
