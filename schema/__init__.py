"""The customer schema and the operator schema, merged from one module per domain.

A domain adds its `Query`/`Mutation`/`Subscription` classes to the lists below.
"""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from schema import (
    accounts,
    auth,
    billing_operator,
    contacts,
    invitations,
    invoices,
    managers,
    nodes,
    operator,
    payments,
    subscriptions,
    support,
    users,
)
from schema import gitlab as gitlab_schema
from schema import notifications as notifications_schema
from schema.base import RejectNulText, should_mask_error

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 3000
MAX_BATCH = 10

QUERIES: list[type] = [nodes.Query, users.Query, accounts.Query, support.Query, invoices.Query]
MUTATIONS: list[type] = [
    auth.Mutation,
    users.Mutation,
    accounts.Mutation,
    invitations.Mutation,
    managers.Mutation,
    contacts.Mutation,
    notifications_schema.Mutation,
    gitlab_schema.Mutation,
    payments.Mutation,
    subscriptions.Mutation,
    invoices.Mutation,
]
SUBSCRIPTIONS: list[type] = [notifications_schema.Subscription]
OPERATOR_QUERIES: list[type] = [operator.Query]
OPERATOR_MUTATIONS: list[type] = [billing_operator.Mutation, operator.Mutation]


def limits() -> list[Callable[[], SchemaExtension]]:
    """Bounded query cost (R-ERR-3); unexpected errors masked (R-ERR-1). Fresh per request."""
    return [
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        RejectNulText,
        lambda: MaskErrors(should_mask_error=should_mask_error),
    ]


def _config() -> StrawberryConfig:
    return StrawberryConfig(batching_config={"max_operations": MAX_BATCH})


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=merge_types("Query", tuple(QUERIES)),
        mutation=merge_types("Mutation", tuple(MUTATIONS)),
        subscription=merge_types("Subscription", tuple(SUBSCRIPTIONS)) if SUBSCRIPTIONS else None,
        extensions=limits(),
        config=_config(),
    )


def build_operator_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=merge_types("Query", tuple(OPERATOR_QUERIES)),
        mutation=merge_types("Mutation", tuple(OPERATOR_MUTATIONS)),
        extensions=limits(),
        config=_config(),
    )


schema = build_schema()
operator_schema = build_operator_schema()
