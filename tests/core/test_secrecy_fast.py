"""The 1-D path of the secondary suppression without polars (`secondary_1d`, used by the labour indicators'
input protection) hides exactly the cells the frame path (`secondary_suppression`) hides: checked on
thousands of random tables (integer and fractional values, zeros, missing values, a given or missing total,
both reader bounds). Pure tests, no database."""

from __future__ import annotations

import random

import polars as pl
import pytest

from gtec_core.secrecy import SECRET, TOTAL, secondary_suppression
from gtec_core.secrecy_secondary import secondary_1d


def _random_table(rng: random.Random) -> list[tuple[str, float | None, bool]]:
    size = rng.choice([1, 2, 3, 4, 6, 10, 25, 80])
    fractional = rng.random() < 0.3
    items = []
    for j in range(size):
        value = rng.choice([0, 0, 1, 2, 3, 4, 5, 8, 12, 40, 300])
        if fractional and value:
            value = round(value * rng.uniform(0.2, 1.8), rng.choice([1, 3, 6]))
        if rng.random() < 0.05:
            value = None
        secret = value is not None and 0 < value < 3 and rng.random() < 0.9
        items.append((f"O{rng.randrange(1000):03d}-{j}", None if value is None else float(value), secret))
    if rng.random() < 0.2:
        given = sum(v or 0 for _, v, _ in items) + rng.choice([0, 0, 0, 7])  # 7: a published unknown part
        items.append((TOTAL, float(given), rng.random() < 0.2))
    rng.shuffle(items)
    return items


def _outcome(path, *args):
    """What a path returns, or the error it raises (both must refuse an inconsistent table alike)."""
    try:
        return path(*args)
    except ValueError as error:
        return str(error)


def _fast_path(items, known_lower: float) -> set:
    return secondary_1d(items, total=TOTAL, known_lower=known_lower)


def _frame_path(items, known_lower: float) -> set:
    table = pl.DataFrame(
        {
            "occupation": [r for r, _, _ in items],
            "value": [v for _, v, _ in items],
            SECRET: [s for _, _, s in items],
        },
        schema={"occupation": pl.String, "value": pl.Float64, SECRET: pl.Boolean},
    )
    out = secondary_suppression(table, rows="occupation", value="value", total=TOTAL, known_lower=known_lower)
    return set(out.filter(pl.col(SECRET))["occupation"].to_list())


@pytest.mark.parametrize("seed", range(4))
def test_the_1d_path_hides_the_cells_the_frame_path_hides(seed):
    rng = random.Random(20241 + seed)
    compared = with_complements = 0
    for _ in range(820):
        items = _random_table(rng)
        known_lower = rng.choice([0.0, 0.0, 1.0])
        fast = _outcome(_fast_path, items, known_lower)
        slow = _outcome(_frame_path, items, known_lower)
        assert fast == slow, items
        compared += 1
        if isinstance(fast, set):
            with_complements += len(fast) > sum(s for _, _, s in items)
    assert compared == 820 and with_complements > 50  # complementary cells were really exercised


def test_a_repeated_row_is_left_to_the_frame_path():
    assert secondary_1d([("a", 1.0, True), ("a", 2.0, False)]) is None
    assert secondary_1d([("a", 1.0, False), ("b", 5.0, False)]) == set()
    assert secondary_1d([("a", 1.0, True), ("b", 5.0, False), ("c", 9.0, False)]) >= {"a", "b"}
