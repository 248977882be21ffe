"""Garbage collection set for a long-running request server (issue 11).

CPython's cyclic collector runs its youngest generation every 700 net allocations by default;
one dashboard request allocates tens of thousands of short-lived objects, so the collector
ran dozens of times per request and its full collections walked every module, schema and
cached document loaded at start-up. After start-up the server moves what it holds for good
into the permanent generation (`gc.freeze()`: never scanned again; freed normally if its
references go) and collects the young generation every 20,000 allocations. Measured with
`bench/dashboard.py`: less CPU per request and a shorter tail (docs/performance.md).
"""

from __future__ import annotations

import gc

THRESHOLDS = (20_000, 20, 20)

_tuned = False


def tune_for_serving() -> None:
    """Once per process: freeze what start-up built, then collect less often."""
    global _tuned
    if _tuned:
        return
    _tuned = True
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
