"""Hot reads keep their SQL per shape (issue 11, `resolvers/statements.py`) and still answer
exactly as Tortoise does: the same rows, the same related rows, typed values."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from models.accounts import Manager
from models.auth import Session
from resolvers import statements
from tests.conftest import make_account, owner_of


async def test_issue_11_kept_sql_answers_as_tortoise_does(db: None) -> None:
    account = await make_account()
    await make_account("second@example.com", company="Second Ltd")

    def build() -> QuerySet[Manager]:
        return Manager.filter(account_id__in=[account.id]).order_by("id").select_related("user")

    expected = await Manager.filter(account_id=account.id).order_by("id").select_related("user")
    for _ in range(2):  # the first call builds and keeps the SQL, the second reuses it
        found = await statements.models(
            Manager,
            "test managers",
            [account.id],
            build,
            related="user",
        )
        assert [(m.id, m.account_id, m.is_owner) for m in found] == [  # type: ignore[attr-defined]
            (m.id, m.account_id, m.is_owner)  # type: ignore[attr-defined]
            for m in expected
        ]
        assert [m.user.email for m in found] == [m.user.email for m in expected]
    assert "test managers" in kept_shapes()


async def test_issue_11_sql_with_other_parameters_is_never_kept(db: None) -> None:
    """A caller that names the wrong parameters gets Tortoise's own answer every time, and no
    SQL is kept that could bind them wrongly."""
    account = await make_account()
    viewer = await owner_of(account)
    session = await Session.get(user_id=viewer.user.id)
    for _ in range(2):
        found = await statements.models(
            Session,
            "test wrong parameters",
            ["not the token hash", 1],
            lambda: Session.filter(token_hash=session.token_hash).limit(1),
        )
        assert [s.id for s in found] == [session.id]
        assert found[0].expires_at == session.expires_at  # typed (a datetime), not raw
    assert "test wrong parameters" not in kept_shapes()


async def test_issue_11_kept_counts_and_values(db: None) -> None:
    account = await make_account()
    for _ in range(2):
        [(count,)] = await statements.values(
            Manager,
            "test count",
            [account.id],
            lambda: Manager.filter(account_id=account.id).count(),
        )
        assert count == 1
        rows = await statements.values(
            Manager,
            "test values",
            [account.id],
            lambda: Manager.filter(account_id=account.id).values_list("account_id", "is_owner"),
        )
        assert [(int(a), bool(o)) for a, o in rows] == [(account.id, True)]


def kept_shapes() -> list[object]:
    return [shape[1] for shape, _, _ in statements._sql if isinstance(shape, tuple)]


async def test_issue_11_sql_is_kept_only_once_the_parameter_order_is_proven(db: None) -> None:
    """Two equal parameters cannot show that a caller gives them in the SQL's order: nothing is
    kept from such a call; a later call with distinct values keeps the SQL."""
    account = await make_account()
    manager = await Manager.get(account_id=account.id)

    def build(account_id: int, manager_id: int) -> QuerySet[Manager]:
        return Manager.filter(account_id=account_id, id=manager_id).limit(1000)

    await statements.models(Manager, "test order", [7, 7, 1000], lambda: build(7, 7))
    assert "test order" not in kept_shapes()
    other = account.id + 1000  # distinct from every other parameter
    await statements.models(
        Manager, "test order", [other, manager.id, 1000], lambda: build(other, manager.id)
    )
    assert "test order" in kept_shapes()
    found = await statements.models(
        Manager,
        "test order",
        [account.id, manager.id, 1000],
        lambda: build(account.id, manager.id),
    )
    assert [m.id for m in found] == [manager.id]
