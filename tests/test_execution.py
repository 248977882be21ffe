"""The portal's executor completes plain leaves in one step (issue 11): the same response as
graphql-core's own path, errors included."""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

import pytest
import strawberry
from strawberry.extensions import SchemaExtension

from schema.execution import PortalExecutor


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Pal:
    name: str
    nick: str | None
    tags: list[str]


@strawberry.type
class Leafy:
    name: str
    nickname: str | None
    colour: Colour
    day: date
    count: int
    broken_name: str  # set to None below: a non-null field without a value
    tags: list[str]
    pal: Pal
    pals: list[Pal]

    @strawberry.field
    def friends(self) -> list[Pal]:
        """A resolver whose value needs no further resolvers."""
        return self.pals

    @strawberry.field
    def shout(self, times: int = 1) -> str:
        return self.name.upper() * times


def leafy(broken: bool = False) -> Leafy:
    return Leafy(
        name="ada",
        nickname=None,
        colour=Colour.BLUE,
        day=date(2026, 12, 3),
        count=3,
        broken_name=None if broken else "ok",  # type: ignore[arg-type]
        tags=["a", "b"],
        pal=Pal(name="bob", nick=None, tags=["x"]),
        # a pal without a name (non-null) deep in a list: the error names its path
        pals=[
            Pal(name="cy", nick="c", tags=[]),
            Pal(name=None if broken else "di", nick=None, tags=["y"]),  # type: ignore[arg-type]
        ],
    )


@strawberry.type
class Query:
    @strawberry.field
    def one(self) -> Leafy:
        return leafy()

    @strawberry.field
    def broken(self) -> Leafy | None:
        return leafy(broken=True)

    @strawberry.field
    def not_an_int(self) -> Leafy | None:
        value = leafy()
        value.count = "three"  # type: ignore[assignment]
        return value


class Counting(SchemaExtension):
    """Field middleware (like tracing): every field must still pass through it."""

    seen: list[str] = []

    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        Counting.seen.append(info.field_name)
        return _next(root, info, *args, **kwargs)


QUERY = """{
  one { name nickname colour day count brokenName tags shout(times: 2) n: name }
  two: one { pal { name nick tags } pals { name tags } friends { name nick } }
  brokenFriends: broken { friends { name } }
  broken { name brokenName }
  brokenPals: broken { pals { name } }
  notAnInt { name count }
}"""


def run(executor: Any, extensions: list[Any] | None = None) -> dict[str, Any]:
    schema = strawberry.Schema(
        query=Query, execution_context_class=executor, extensions=extensions or []
    )
    result = schema.execute_sync(QUERY)
    return {
        "data": result.data,
        "errors": sorted((e.message, tuple(e.path or ())) for e in result.errors or []),
    }


def test_issue_11_plain_leaves_answer_as_graphql_core_does() -> None:
    ours, theirs = run(PortalExecutor), run(None)
    assert ours == theirs
    assert ours["data"]["one"]["colour"] == "BLUE"
    assert ours["data"]["one"]["day"] == "2026-12-03"
    assert ours["data"]["broken"] is None  # the non-null leaf without a value nulls its parent
    assert ours["data"]["notAnInt"] is None  # a value the scalar refuses, likewise
    assert ours["data"]["two"]["pals"] == [
        {"name": "cy", "tags": []},
        {"name": "di", "tags": ["y"]},
    ]
    assert ("brokenPals", "pals", 1, "name") in [path for _, path in ours["errors"]]
    assert ours["data"]["two"]["friends"] == [
        {"name": "cy", "nick": "c"},
        {"name": "di", "nick": None},
    ]
    assert ("brokenFriends", "friends", 1, "name") in [path for _, path in ours["errors"]]
    assert ("broken", "brokenName") in [path for _, path in ours["errors"]]


def test_issue_11_field_middleware_still_sees_every_field() -> None:
    seen = []
    for executor in (PortalExecutor, None):
        Counting.seen = []
        run(executor, [Counting])
        seen.append(sorted(Counting.seen))
    assert seen[0] == seen[1]
    assert seen[0].count("name") == 13 and "colour" in seen[0]


def test_issue_11_plain_leaves_skip_resolve_info(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    original = PortalExecutor.build_resolve_info

    def counting(self: PortalExecutor, field_def: Any, nodes: Any, *rest: Any) -> Any:
        built.append(nodes[0].name.value)
        return original(self, field_def, nodes, *rest)

    monkeypatch.setattr(PortalExecutor, "build_resolve_info", counting)
    run(PortalExecutor)
    # only the resolvers, the field with arguments and the fields that failed get one (a
    # failure deep inside a plain object sends the whole object down graphql-core's path)
    expected = ["one", "shout", "one", "broken", "brokenName", "notAnInt", "count"]
    expected += ["broken", "pals", "name", "friends", "broken", "friends", "name"]
    assert sorted(built) == sorted(expected)
