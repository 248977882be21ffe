"""The customer schema and the operator schema, merged from one module per domain.

A domain adds its `Query`/`Mutation`/`Subscription` classes to the lists below.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from schema import (
    accounts,
    auth,
    catalog,
    contacts,
    invitations,
    invoices,
    managers,
    nodes,
    payments,
    purchases,
    subscriptions,
    support,
    users,
)
from schema import gitlab as gitlab_schema
from schema import notifications as notifications_schema
from schema.execution import PortalExecutor
from schema.extensions import MAX_BATCH, limits
from schema.gate import Gate
from schema.observability import Observe, Schema
from schema.operator import accounts as operator_accounts
from schema.operator import billing as operator_billing
from schema.operator import catalog as operator_catalog
from schema.tracing import tracing

QUERIES: list[type] = [
    nodes.Query,
    users.Query,
    accounts.Query,
    support.Query,
    invoices.Query,
    catalog.Query,
]
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
    purchases.Mutation,
]
SUBSCRIPTIONS: list[type] = [notifications_schema.NotificationStream]
OPERATOR_QUERIES: list[type] = [operator_accounts.Query, operator_catalog.Query]
OPERATOR_MUTATIONS: list[type] = [
    operator_billing.Mutation,
    operator_accounts.Mutation,
    operator_catalog.Mutation,
]


def _config() -> StrawberryConfig:
    return StrawberryConfig(batching_config={"max_operations": MAX_BATCH})


def build_schema(tracer_provider: Any | None = None) -> strawberry.Schema:
    """`tracer_provider`: trace with it (default: as `core.tracing` configures, or not)."""
    return Schema(
        query=merge_types("Query", tuple(QUERIES)),
        mutation=merge_types("Mutation", tuple(MUTATIONS)),
        subscription=merge_types("Subscription", tuple(SUBSCRIPTIONS)) if SUBSCRIPTIONS else None,
        extensions=[*limits(Gate()), Observe, *tracing(tracer_provider)],
        execution_context_class=PortalExecutor,
        config=_config(),
    )


def build_operator_schema() -> strawberry.Schema:
    return Schema(
        query=merge_types("Query", tuple(OPERATOR_QUERIES)),
        mutation=merge_types("Mutation", tuple(OPERATOR_MUTATIONS)),
        extensions=[*limits(Gate()), Observe, *tracing()],
        execution_context_class=PortalExecutor,
        config=_config(),
    )


schema = build_schema()
operator_schema = build_operator_schema()
