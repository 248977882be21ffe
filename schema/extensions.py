"""The extensions every request runs through: the document gate (R-ERR-3), text checks,
masking (R-ERR-1)."""

from __future__ import annotations

from collections.abc import Callable

from strawberry.extensions import MaskErrors, SchemaExtension

from schema.errors import should_mask_error
from schema.gate import Gate

MAX_BATCH = 10


class _MaskErrors(MaskErrors):
    """Strawberry's, checking a result for errors without a runtime-checkable protocol
    (`isinstance` against one is slow on Python 3.11; it ran for every live event on every
    socket)."""

    def _process_result(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]


def limits(gate: Gate) -> list[Callable[[], SchemaExtension] | type[SchemaExtension]]:
    """The gate first (it refuses before anything costly runs), then masking.

    Both are cheap to construct per request: the gate's caches live in `gate`, built once with
    the schema, so repeated documents are neither parsed nor validated again.
    """
    mask: Callable[[], SchemaExtension] = lambda: _MaskErrors(should_mask_error=should_mask_error)  # noqa: E731
    return [gate.extension(), mask]
