"""Schema artefacts: the committed SDL is current, and the served schemas contain the public
contract (`../shared/api-contract.graphql`): every type, field, argument and enum value, with
the same types. The contract's OperatorQuery/OperatorMutation are the operator schema's roots.

What later features will add is listed in PENDING; the test also fails when an item in PENDING
is already served, so the list can only shrink.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    get_named_type,
)

from schema import export

CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "api-contract.graphql"
OPERATOR_ROOTS = {"OperatorQuery": "Query", "OperatorMutation": "Mutation"}
CUSTOMER_ROOTS = ("Query", "Mutation", "Subscription")

# "Type", "Type.field", "Type.field(arg)" or "Enum.VALUE" of the contract not served yet.
PENDING: set[str] = set()


def test_committed_schema_files_are_current() -> None:
    """schema.graphql and schema_operator.graphql equal the schemas the code serves."""
    for path, text in export.printed().items():
        assert path.exists(), f"{path.name} is missing: run scripts/export_schema"
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.name} is stale: run scripts/export_schema (python -m schema.export) "
            "and commit it"
        )


def reachable(contract: GraphQLSchema, roots: list[str]) -> set[str]:
    """Names of the contract types reachable from `roots` through fields and arguments."""
    seen: set[str] = set()
    todo = [r for r in roots if r in contract.type_map]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        named = contract.type_map[name]
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field in named.fields.values():
                todo.append(get_named_type(field.type).name)
                todo.extend(get_named_type(arg.type).name for arg in field.args.values())
            todo.extend(i.name for i in named.interfaces)
        elif isinstance(named, GraphQLInputObjectType):
            todo.extend(get_named_type(f.type).name for f in named.fields.values())
        elif isinstance(named, GraphQLUnionType):
            todo.extend(t.name for t in named.types)
    return seen


def kind(named: GraphQLNamedType) -> str:
    for base in (
        GraphQLObjectType,
        GraphQLInterfaceType,
        GraphQLInputObjectType,
        GraphQLEnumType,
        GraphQLUnionType,
    ):
        if isinstance(named, base):
            return base.__name__
    return "scalar"


def compare(name: str, wanted: GraphQLNamedType, served: GraphQLNamedType | None) -> list[str]:
    """What of contract type `wanted` is missing or different in `served`."""
    if served is None:
        return [name]
    if kind(served) != kind(wanted):
        return [f"{name} (kind)"]
    problems: list[str] = []
    if isinstance(wanted, GraphQLObjectType | GraphQLInterfaceType):
        assert isinstance(served, GraphQLObjectType | GraphQLInterfaceType)
        served_interfaces = {i.name for i in served.interfaces}
        problems += [
            f"{name} implements {i.name}"
            for i in wanted.interfaces
            if i.name not in served_interfaces
        ]
        for field_name, field in wanted.fields.items():
            have = served.fields.get(field_name)
            if have is None or str(have.type) != str(field.type):
                problems.append(f"{name}.{field_name}")
                continue
            for arg_name, arg in field.args.items():
                served_arg = have.args.get(arg_name)
                if served_arg is None or str(served_arg.type) != str(arg.type):
                    problems.append(f"{name}.{field_name}({arg_name})")
    elif isinstance(wanted, GraphQLInputObjectType):
        assert isinstance(served, GraphQLInputObjectType)
        for field_name, field in wanted.fields.items():
            have_input = served.fields.get(field_name)
            if have_input is None or str(have_input.type) != str(field.type):
                problems.append(f"{name}.{field_name}")
    elif isinstance(wanted, GraphQLEnumType):
        assert isinstance(served, GraphQLEnumType)
        problems += [f"{name}.{v}" for v in wanted.values if v not in served.values]
    elif isinstance(wanted, GraphQLUnionType):
        assert isinstance(served, GraphQLUnionType)
        members = {t.name for t in served.types}
        problems += [f"{name} | {t.name}" for t in wanted.types if t.name not in members]
    return problems


def contract_gaps() -> set[str]:
    from schema import operator_schema, schema

    contract = build_schema(CONTRACT.read_text(encoding="utf-8"))
    customer = schema._schema
    operator = operator_schema._schema
    operator_types = reachable(contract, list(OPERATOR_ROOTS))
    customer_types = reachable(contract, list(CUSTOMER_ROOTS))
    gaps: set[str] = set()
    for name, wanted in contract.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if name in OPERATOR_ROOTS:
            gaps.update(compare(name, wanted, operator.type_map.get(OPERATOR_ROOTS[name])))
            continue
        if name in operator_types:
            gaps.update(compare(name, wanted, operator.type_map.get(name)))
        if name in customer_types or name not in operator_types:
            gaps.update(compare(name, wanted, customer.type_map.get(name)))
    return gaps


@pytest.mark.skipif(not CONTRACT.exists(), reason=f"{CONTRACT} is not checked out")
def test_served_schema_contains_the_contract() -> None:
    """Every contract type, field, argument and enum value is served with the same type,
    except what PENDING lists; and nothing in PENDING is served already."""
    gaps = contract_gaps()
    missing = sorted(gaps - PENDING)
    done = sorted(PENDING - gaps)
    assert not missing, f"the served schema lacks contract items: {missing}"
    assert not done, f"served now, remove from PENDING in {__file__}: {done}"


def test_contract_check_can_fail() -> None:
    """The comparison notices a missing field, a changed type, an argument and an enum value."""
    wanted = build_schema(
        "type Query { a(x: Int!): String! b: Int }  enum E { ONE TWO } type T { e: E }"
    )
    served = build_schema("type Query { a(x: Int): String! }  enum E { ONE } type T { e: E }")
    assert compare("Query", wanted.type_map["Query"], served.type_map["Query"]) == [
        "Query.a(x)",
        "Query.b",
    ]
    assert compare("E", wanted.type_map["E"], served.type_map["E"]) == ["E.TWO"]
    assert compare("T", wanted.type_map["T"], None) == ["T"]
