"""A fuzz run over the customer and operator schemas: random valid documents never cause a
server error.

R-ERR-1: every failure is a userError or a clear GraphQL error; none is masked as
"Unexpected error." (a masked error is an unexpected exception).
"""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

import hypothesis_graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from models.accounts import BillingAccount
from resolvers.auth import authenticate
from schema import operator_schema, schema
from schema.context import Context
from schema.relay import global_id
from tests.conftest import current_services, fake_request, make_account, owner_of

pytestmark = pytest.mark.usefixtures("db")

SDL = schema.as_str()
OPERATOR_SDL = operator_schema.as_str()

# Strategies for the custom scalars the schema has (it grows as features are added).
SCALARS = {
    "DateTime": st.datetimes(timezones=st.just(UTC)).map(lambda d: nodes.String(d.isoformat())),
    "Date": st.dates().map(lambda d: nodes.String(d.isoformat())),
    "Decimal": st.decimals(allow_nan=False, allow_infinity=False, places=2).map(
        lambda d: nodes.String(str(d))
    ),
    "JSON": st.just(nodes.String("{}")),
    "Upload": st.just(nodes.Null),
}
CUSTOM_SCALARS = {name: s for name, s in SCALARS.items() if f"scalar {name}" in SDL + OPERATOR_SDL}

ACCOUNT_ID_ARG = re.compile(r'\b(billingAccountId|id): "(?:[^"\\]|\\.)*"')

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
    database=None,
)


@FUZZ
@given(data=st.data())
async def test_r_err_1_fuzz_queries_never_fail_unexpectedly(data: st.DataObject) -> None:
    """R-ERR-1: random queries over the whole customer schema cause zero server errors."""
    document = data.draw(hypothesis_graphql.queries(SDL, custom_scalars=CUSTOM_SCALARS))
    masked = await _run(document)
    assert masked == [], document


@FUZZ
@given(data=st.data())
async def test_r_err_1_fuzz_mutations_never_fail_unexpectedly(data: st.DataObject) -> None:
    """R-ERR-1: random mutations over the whole customer schema cause zero server errors."""
    document = data.draw(hypothesis_graphql.mutations(SDL, custom_scalars=CUSTOM_SCALARS))
    masked = await _run(document)
    assert masked == [], document


@FUZZ
@given(data=st.data())
async def test_r_err_1_fuzz_operator_api_never_fails_unexpectedly(data: st.DataObject) -> None:
    """R-ERR-1: random operator queries and mutations cause zero server errors."""
    document = data.draw(
        hypothesis_graphql.queries(OPERATOR_SDL, custom_scalars=CUSTOM_SCALARS)
        | hypothesis_graphql.mutations(OPERATOR_SDL, custom_scalars=CUSTOM_SCALARS)
    )
    account = await _account()
    context = Context(
        request=fake_request(), response=None, services=current_services(), operator=True
    )
    result = await operator_schema.execute(_with_account(document, account), context_value=context)
    masked = [e for e in result.errors or [] if e.message == "Unexpected error."]
    assert masked == [], document


async def _account() -> BillingAccount:
    if not await BillingAccount.exists():
        await make_account()
    account = await BillingAccount.first()
    assert account is not None
    return account


def _with_account(document: str, account: BillingAccount) -> str:
    """Random ids only reach NOT_FOUND: point account ids at a real account to go deeper."""
    return ACCOUNT_ID_ARG.sub(
        lambda m: f'{m.group(1)}: "{global_id("BillingAccount", account.id)}"', document
    )


async def _run(document: str) -> list[Any]:
    """Execute as the owner of an account; return the masked (unexpected) errors."""
    account = await _account()
    viewer = await owner_of(account)
    document = _with_account(document, account)
    context = Context(
        request=fake_request(viewer.token), response=None, services=current_services()
    )
    found = await authenticate(current_services().clock, viewer.token)
    assert found is not None
    context.session, context.user = found
    result = await schema.execute(document, context_value=context)
    return [e for e in result.errors or [] if e.message == "Unexpected error."]
