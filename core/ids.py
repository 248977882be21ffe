"""Opaque global ids: base64url of `Type:pk`, unique across types and stable."""

from __future__ import annotations

import base64
import binascii


class InvalidId(ValueError):
    pass


def encode(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def decode(global_id: str) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
        type_name, pk = raw.split(":", 1)
        value = int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidId(global_id) from exc
    if not type_name.isidentifier() or value <= 0 or len(pk) > 18:
        raise InvalidId(global_id)
    if encode(type_name, value) != global_id:  # one spelling per object: no "+6", "06", full width
        raise InvalidId(global_id)
    return type_name, value


def decode_as(global_id: str, type_name: str) -> int:
    kind, pk = decode(global_id)
    if kind != type_name:
        raise InvalidId(global_id)
    return pk
