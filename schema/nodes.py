"""`node(id)`: each domain registers how to load its type for the current viewer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from portal import ids
from schema.base import Node
from schema.context import Info

NodeResolver = Callable[[Info, int], Awaitable[Any]]
_resolvers: dict[str, NodeResolver] = {}


def register_node(type_name: str, resolve: NodeResolver) -> None:
    _resolvers[type_name] = resolve


async def resolve_node(info: Info, global_id: str) -> Node | None:
    try:
        type_name, pk = ids.decode(global_id)
    except ids.InvalidId:
        return None
    resolve = _resolvers.get(type_name)
    return await resolve(info, pk) if resolve else None


@strawberry.type
class Query:
    @strawberry.field(description="Any object by its global id; null if you cannot see it.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, id)
