"""Persisted documents (R-ERR-3): Apollo's automatic persisted queries
(`extensions.persistedQuery.sha256Hash`) and, with `PORTAL_GRAPHQL_TRUSTED_DOCUMENTS`, a
trusted-documents mode in which only the documents of that manifest (hash → text, as the
front-end build writes it) run. The document gate (`schema.gate`) resolves them first.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

from graphql import GraphQLError
from strawberry.types import ExecutionContext

from core.settings import get_settings


class PersistedDocuments:
    """Automatic persisted queries: documents by sha256, learnt from earlier requests."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._by_hash: OrderedDict[str, str] = OrderedDict()

    def get(self, digest: str) -> str | None:
        found = self._by_hash.get(digest)
        if found is not None:
            self._by_hash.move_to_end(digest)
        return found

    def put(self, digest: str, text: str) -> None:
        self._by_hash[digest] = text
        while len(self._by_hash) > self.size:
            self._by_hash.popitem(last=False)


@lru_cache(maxsize=4)
def trusted_documents(path: Path) -> dict[str, str]:
    """A manifest `{"<sha256>": "<document>"}` (or a list of documents); hashes checked."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    texts = list(raw.values()) if isinstance(raw, dict) else list(raw)
    return {sha256(text): text for text in texts}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def resolve_persisted(context: ExecutionContext, persisted: PersistedDocuments) -> None:
    """Fill in the text of a document sent by hash, learn a text sent with its hash, and
    refuse what the trusted-documents manifest (if any) does not list."""
    settings = get_settings()
    extension = (context.operation_extensions or {}).get("persistedQuery")
    digest = extension.get("sha256Hash") if isinstance(extension, dict) else None
    manifest = (
        trusted_documents(settings.graphql_trusted_documents)
        if settings.graphql_trusted_documents
        else None
    )
    if digest is not None and not isinstance(digest, str):
        raise GraphQLError("persistedQuery.sha256Hash must be a string.")
    if context.query is None and digest is not None:
        known = manifest.get(digest) if manifest is not None else None
        if known is None and settings.graphql_persisted_queries:
            known = persisted.get(digest)
        if known is None:
            raise GraphQLError(
                "PersistedQueryNotFound", extensions={"code": "PERSISTED_QUERY_NOT_FOUND"}
            )
        context.query = known
    elif context.query is not None and digest is not None:
        if sha256(context.query) != digest.lower():
            raise GraphQLError(
                "provided sha does not match query",
                extensions={"code": "PERSISTED_QUERY_HASH_MISMATCH"},
            )
        if settings.graphql_persisted_queries and len(context.query) <= (
            settings.graphql_max_query_chars
        ):
            persisted.put(digest.lower(), context.query)
    if manifest is not None and context.query is not None:
        if sha256(context.query) not in manifest:
            raise GraphQLError(
                "Only the front end's trusted documents are accepted here.",
                extensions={"code": "PERSISTED_QUERY_NOT_TRUSTED"},
            )
