"""The typed per-request context and its DataLoaders."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias, TypeVar

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.dataloader import DataLoader
from tortoise.models import Model

from core.request_context import current_request_id
from models.auth import Session
from models.users import User
from resolvers import batches
from resolvers.access import require_user
from resolvers.services import Services

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
M = TypeVar("M", bound=Model)
T = TypeVar("T")

# What a plain (sync) resolver returns: the value its parent already holds, or else an
# awaitable that graphql-core awaits. Such a field gives its GraphQL type explicitly
# (`strawberry.field(graphql_type=...)`); it costs no coroutine when the value is there.
MaybeAwaitable: TypeAlias = T | Awaitable[T]


def by_key_loader(model: type[M], key: str = "id") -> DataLoader[Any, M | None]:
    """`<Thing>By<Key>Loader`: one query for a batch of keys, results in key order."""

    async def load(keys: Sequence[Any]) -> list[M | None]:
        return await batches.rows_by_key(model, key, keys)

    return DataLoader(load_fn=load)


def many_by_key_loader(
    model: type[M], key: str, order_by: Sequence[str] = ("id",), related: Sequence[str] = ()
) -> DataLoader[Any, list[M]]:
    """`<Things>By<Key>Loader`: the rows for each key (with `related` rows joined), one query
    per batch."""

    async def load(keys: Sequence[Any]) -> list[list[M]]:
        return await batches.row_groups_by_key(model, key, keys, order_by, related)

    return DataLoader(load_fn=load)


@dataclass
class Loaders:
    """Loaders created per request, by name, the first time a resolver asks for one."""

    _made: dict[str, DataLoader[Any, Any]] = field(default_factory=dict)

    def get(self, name: str, factory: Callable[[], DataLoader[K, V]]) -> DataLoader[K, V]:
        if name not in self._made:
            self._made[name] = factory()
        return self._made[name]

    def load_model(self, model: type[M], pk: int) -> Awaitable[M | None]:
        loader = self.get(f"{model.__name__}ByIdLoader", lambda: by_key_loader(model))
        return asyncio.shield(loader.load(pk))  # see `load_many`

    def load_many(
        self,
        model: type[M],
        key: str,
        value: Any,
        order_by: Sequence[str] = ("id",),
        related: Sequence[str] = (),
    ) -> Awaitable[list[M]]:
        name = f"{model.__name__}sBy{key}Loader:{','.join(order_by)}:{','.join(related)}"
        loader = self.get(name, lambda: many_by_key_loader(model, key, order_by, related))
        # one cached future serves every field that asks for this key: a field cancelled by
        # graphql-core (a failed sibling) must not cancel it for the others
        return asyncio.shield(loader.load(value))


@dataclass
class Context:
    """What a resolver may know about the request; the caller is decided in `routes.caller`."""

    request: Request | WebSocket
    response: Response | WebSocket | None
    services: Services
    """The process's services, built once at start-up (`resolvers.services`)."""
    session: Session | None = None
    user: User | None = None
    loaders: Loaders = field(default_factory=Loaders)
    connection_params: dict[str, Any] | None = None
    request_id: str = field(default_factory=current_request_id.get)
    operator: bool = False
    client_address: str | None = None

    @property
    def client(self) -> str:
        """The caller's address, for per-client rate limits (R-AUTH-3)."""
        if self.client_address is not None:
            return self.client_address
        return self.request.client.host if self.request.client else "unknown"

    @property
    def acting_user(self) -> User:
        """The signed-in user, for fields that declared a permission (`schema/permissions.py`)
        which already admitted the request; UNAUTHENTICATED if one forgot to."""
        return require_user(self.services.clock, self.user, allow_unconfirmed=True)


Info = strawberry.Info[Context, None]
