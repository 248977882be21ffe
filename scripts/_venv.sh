# shellcheck shell=bash
# Shared bootstrap for scripts/test, scripts/serve and scripts/check (sourced, not run).
#
# Leaves the caller in the repository root with an up-to-date ./.venv:
# - creates .venv with the first Python >= 3.11 found (or $VENV_PYTHON),
#   and recreates it when its interpreter no longer runs;
# - runs `pip install -e '.[test]'` only when pyproject.toml (or the
#   interpreter) changed since the last successful install (stamp in .venv).

portal_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$portal_root"

portal_find_python() {
    local candidate
    for candidate in "${VENV_PYTHON:-}" python3 python3.13 python3.12 python3.11 python; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' \
            >/dev/null 2>&1; then
            echo "$candidate"
            return 0
        fi
    done
    echo "error: no Python >= 3.11 with the venv module found (set VENV_PYTHON)" >&2
    return 1
}

portal_venv() {
    local venv="$portal_root/.venv"
    local stamp="$venv/.portal-install-stamp"
    local python want have

    if [ -d "$venv" ] && ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
        echo "scripts: .venv is broken, recreating it" >&2
        rm -rf "$venv"
    fi
    if [ ! -x "$venv/bin/python" ]; then
        python="$(portal_find_python)" || return 1
        echo "scripts: creating .venv with $("$python" --version 2>&1)" >&2
        "$python" -m venv "$venv" || return 1
    fi

    want="$("$venv/bin/python" - <<'PY'
import hashlib, sys
with open("pyproject.toml", "rb") as f:
    print(hashlib.sha256(f.read()).hexdigest(), sys.version.split()[0])
PY
)" || return 1
    have="$(cat "$stamp" 2>/dev/null || true)"
    if [ "$want" != "$have" ]; then
        echo "scripts: installing the project into .venv (pip install -e '.[test]')" >&2
        rm -f "$stamp"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            --no-input -e '.[test]' </dev/null || return 1
        echo "$want" >"$stamp"
    fi
}

portal_venv || exit 1
