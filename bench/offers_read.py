"""CPU time of the JSON-lines offers reader (issue #16), per 100 000 offers.

Usage: .venv/bin/python bench/offers_read.py var/o200k.jsonl
(e.g. `head -n 200000 /work/france24/offres.jsonl > var/o200k.jsonl`). Prints figures only, asserts nothing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from gtec_core.sources.offers import iter_offers


def main(path: Path) -> None:
    start = time.process_time()
    rows = chunks = 0
    for frame in iter_offers(path):
        rows += frame.height
        chunks += 1
    cpu = time.process_time() - start
    print(
        f"{path}: {rows} offers in {chunks} chunks, CPU {cpu:.2f} s, {cpu * 100_000 / max(rows, 1):.2f} s per 100k"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
