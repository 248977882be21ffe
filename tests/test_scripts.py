"""The developer and CI entry points are executable bash scripts that parse."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SCRIPTS = [".ci/run", "scripts/test", "scripts/serve", "scripts/check"]
BASH = shutil.which("bash")


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_is_an_executable_bash_script(script: str) -> None:
    path = ROOT / script
    assert path.is_file(), f"{script} is missing"
    assert os.access(path, os.X_OK), f"{script} is not executable"
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line in ("#!/usr/bin/env bash", "#!/bin/bash"), first_line


@pytest.mark.parametrize("script", [*SCRIPTS, "scripts/_venv.sh"])
def test_script_parses(script: str) -> None:
    assert BASH is not None, "bash is not installed"
    result = subprocess.run(
        [BASH, "-n", str(ROOT / script)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
