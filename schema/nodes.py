"""`node(id)`: each domain registers how to load its type for the current viewer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from tortoise.models import Model

from core import ids
from resolvers.access import account_row, can_see_account
from schema.context import Info
from schema.relay import Node

NodeResolver = Callable[[Info, int], Awaitable[Any]]


def viewer_sees_account(info: Info, account_id: int) -> Awaitable[bool]:
    return can_see_account(
        info.context.services.clock, info.context.user, account_id, operator=info.context.operator
    )


_resolvers: dict[str, NodeResolver] = {}


M = TypeVar("M", bound=Model)


def register_node(type_name: str, resolve: NodeResolver) -> None:
    _resolvers[type_name] = resolve


def register_account_node(
    type_name: str, model: type[M], from_model: Callable[[M], Any]
) -> NodeResolver:
    """A node of an account-owned row: visible exactly as its account is, else null."""

    async def resolve(info: Info, pk: int) -> Any:
        row = await account_row(
            info.context.services.clock,
            model,
            pk,
            info.context.user,
            operator=info.context.operator,
        )
        return from_model(row) if row is not None else None

    register_node(type_name, resolve)
    return resolve


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
