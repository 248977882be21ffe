"""The server sets the garbage collector for serving once it has started (issue 11)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from core import memory
from tests.conftest import serve_app


async def test_issue_11_the_server_collects_less_often_once_started(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(memory, "_tuned", False)
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        frozen = gc.get_freeze_count()
        async with serve_app(monkeypatch, tmp_path):
            assert gc.get_threshold() == memory.THRESHOLDS
            assert gc.get_freeze_count() > frozen  # start-up's objects are never scanned again
            memory.tune_for_serving()  # once per process: a second start changes nothing
            assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
