"""The ids an offers first import has already written (`_Seen`): a sorted merge, chunk after chunk."""

import numpy as np
import polars as pl

from gtec.labour.imports.offers import _Seen


def test_seen_flags_the_ids_of_earlier_chunks_and_keeps_sorted_unique_hashes():
    seen = _Seen()
    first, again = seen.split(pl.DataFrame({"identifiant": ["a", "b", "b", "c"]}))
    assert first["identifiant"].to_list() == ["a", "b", "b", "c"]
    assert again.is_empty()
    new, again = seen.split(pl.DataFrame({"identifiant": ["d", "b", "e", "a"]}))
    assert new["identifiant"].to_list() == ["d", "e"]
    assert again["identifiant"].to_list() == ["b", "a"]
    expected = pl.Series(list("abcde")).hash(seed=0).to_numpy()
    assert np.array_equal(seen.hashes, np.unique(expected))


def test_seen_matches_a_plain_union_over_many_chunks():
    rng = np.random.default_rng(16)
    seen, reference = _Seen(), np.empty(0, dtype=np.uint64)
    for _ in range(12):
        ids = pl.DataFrame({"identifiant": [str(x) for x in rng.integers(0, 3000, 400)]})
        hashes = ids["identifiant"].hash(seed=0).to_numpy()
        _, again = seen.split(ids)
        assert again.height == int(np.isin(hashes, reference).sum())
        reference = np.union1d(reference, hashes)
        assert np.array_equal(seen.hashes, reference)
