"""Write the served schemas as SDL: `python -m schema.export` (or `scripts/export_schema`).

`schema.graphql` is the customer API, `schema_operator.graphql` the operator API. Both are
committed; tests/test_schema_contract.py fails when they are stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from strawberry.printer import print_schema

ROOT = Path(__file__).resolve().parents[1]
CUSTOMER_FILE = ROOT / "schema.graphql"
OPERATOR_FILE = ROOT / "schema_operator.graphql"


def printed() -> dict[Path, str]:
    from schema import operator_schema, schema

    return {
        CUSTOMER_FILE: print_schema(schema) + "\n",
        OPERATOR_FILE: print_schema(operator_schema) + "\n",
    }


def main(argv: list[str]) -> int:
    """Write both files; with `--check`, only report which are stale (exit 1)."""
    stale = []
    for path, text in printed().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path.name)
        if "--check" not in argv:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.name}")
    if "--check" in argv and stale:
        print(f"stale: {', '.join(stale)}; run scripts/export_schema", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
