"""The portal's graphql-core executor: plain leaves completed without per-field machinery,
and subscription events shared between sockets (R-NOT-3).

Plain fields: a field with no resolver of its own (Strawberry's "basic" field: it reads an
attribute of its parent) and no arguments is completed in one step when its value needs no
resolver either: a scalar or enum (`coerce_output_value`), a list of such values, or an object
whose selected fields are all plain (`Money { amount currency }`), recursively. That skips the
resolve info, argument coercion, awaitable checks and per-field bookkeeping graphql-core spends
on every field. Anything unusual (a null for a non-null type, a value the scalar refuses, an
object type with `is_type_of`, a directive on a selected field, field middleware such as
tracing) gives up and takes graphql-core's own path, which reports it exactly as before.

Subscription events are executed once per event and shape, not once per socket, through
`schema.shared_events`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    get_named_type,
)
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema import shared_events

_MISS: Any = object()
"""A plain completion gave up: graphql-core's own path completes the field instead."""


def _attribute_reader(field: GraphQLField) -> Callable[..., Any] | None:
    """How to read a field that only reads its parent's attribute (Strawberry's "basic"
    field): `getattr(parent, python_name)` when that is all Strawberry would do, else its
    resolver (called without resolve info, as Strawberry calls it)."""
    if field.args or field.resolve is None or not getattr(field.resolve, "_is_default", False):
        return None
    definition = field.extensions.get("strawberry-definition")
    if definition is not None and definition.default_resolver is getattr:
        return operator.attrgetter(definition.python_name)
    resolve = field.resolve
    return lambda source: resolve(source, None)


def _attribute_readers(parent_type: GraphQLObjectType) -> dict[str, Callable[..., Any] | None]:
    """The attribute readers of a type, by field name (worked out once per schema type)."""
    found: dict[str, Callable[..., Any] | None] | None = parent_type.__dict__.get(
        "_portal_attribute_readers"
    )
    if found is None:
        found = {name: _attribute_reader(field) for name, field in parent_type.fields.items()}
        parent_type.__dict__["_portal_attribute_readers"] = found
    return found


_Plan = list[tuple[str, Callable[..., Any], GraphQLOutputType, Any]]
"""How to complete an object plainly: (response name, attribute reader, type, its field nodes)
for every selected field."""


class PortalExecutor(StrawberryGraphQLCoreExecutionContext):
    def _has_middleware(self) -> bool:
        """Whether field middleware (a schema extension's `resolve`, e.g. tracing) wraps fields."""
        manager = self.middleware_manager
        return manager is not None and bool(manager.middlewares)

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Any,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        """graphql-core's `execute_fields`, completing plain fields first (they need no path,
        resolve info or awaitable bookkeeping)."""
        if self._has_middleware():
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        readers = _attribute_readers(parent_type)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list in grouped_field_set.items():
                node = field_details_list[0].node
                name = node.name.value
                read = readers.get(name)
                if read is not None and not node.arguments:
                    done = self._try_plain(
                        parent_type, name, field_details_list, read, source_value
                    )
                    if done is not _MISS:
                        results[response_name] = done
                        continue
                result = super().execute_field(
                    parent_type,
                    source_value,
                    field_details_list,
                    Path(path, response_name, parent_type.name),
                    position_context,
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                field = awaitable_fields[0]
                results[field] = await results[field]
            else:
                awaited = await gather_with_cancel(*(results[f] for f in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: Any,
        info: Any,
        path: Any,
        result: Any,
        position_context: Any,
    ) -> Any:
        """A resolver's value that needs no further resolvers (a list of `InvoiceLine`s, a
        `ProductSubscription { name }`) is completed plainly too."""
        if not self._has_middleware() and self._may_be_plain(return_type, field_details_list):
            try:
                done = self._plain(return_type, field_details_list, result)
            except Exception:
                done = _MISS
            if done is not _MISS:
                return done
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _try_plain(
        self,
        parent_type: GraphQLObjectType,
        name: str,
        field_details_list: Any,
        read: Callable[[Any], Any],
        source: Any,
    ) -> Any:
        try:
            return self._plain(parent_type.fields[name].type, field_details_list, read(source))
        except Exception:
            return _MISS  # graphql-core's path reports it

    def _plain(self, type_: GraphQLOutputType, field_details_list: Any, value: Any) -> Any:
        """`value` completed as `type_` without resolvers of its own, or _MISS."""
        if isinstance(type_, GraphQLNonNull):
            if value is None:
                return _MISS
            type_ = type_.of_type
        elif value is None:
            return None
        if isinstance(value, Exception) or self.is_awaitable(value):
            return _MISS
        if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
            coerced = type_.coerce_output_value(value)
            return _MISS if coerced is None or coerced is Undefined else coerced
        if isinstance(type_, GraphQLList):
            if not isinstance(value, list | tuple):
                return _MISS
            items = []
            for item in value:
                done = self._plain(type_.of_type, field_details_list, item)
                if done is _MISS:
                    return _MISS
                items.append(done)
            return items
        if isinstance(type_, GraphQLObjectType) and type_.is_type_of is None:
            plan = self._plan(type_, field_details_list)
            if plan is None:
                return _MISS
            result = {}
            for response_name, read, field_type, sub_fields in plan:
                done = self._plain(field_type, sub_fields, read(value))
                if done is _MISS:
                    return _MISS
                result[response_name] = done
            return result
        return _MISS

    def _plan(self, type_: GraphQLObjectType, field_details_list: Any) -> _Plan | None:
        """The plain plan of an object's selection, if every selected field is an attribute
        read without arguments (memoized like graphql-core's `collect_subfields`)."""
        plans: dict[tuple[GraphQLObjectType, int], tuple[Any, _Plan | None]] = (
            self.__dict__.setdefault("_portal_plans", {})
        )
        key = (type_, id(field_details_list))
        cached = plans.get(key)
        if cached is not None:
            return cached[1]
        grouped, deferred, _ = self.collect_subfields(type_, field_details_list)
        plan: _Plan | None = [] if not deferred else None
        readers = _attribute_readers(type_)
        for response_name, sub_fields in grouped.items():
            if plan is None:
                break
            name = sub_fields[0].node.name.value
            read = readers.get(name)
            field_type = type_.fields[name].type if read is not None else None
            if (
                read is None
                or field_type is None
                or any(d.node.arguments or d.node.directives for d in sub_fields)
                or not self._may_be_plain(field_type, sub_fields)
            ):
                plan = None
            else:
                plan.append((response_name, read, field_type, sub_fields))
        plans[key] = (field_details_list, plan)
        return plan

    def _may_be_plain(self, type_: GraphQLOutputType, field_details_list: Any) -> bool:
        """Whether values of `type_` can be completed plainly at all (what the schema and the
        selection decide; the values themselves may still fail)."""
        named = get_named_type(type_)
        if isinstance(named, GraphQLScalarType | GraphQLEnumType):
            return True
        if isinstance(named, GraphQLObjectType) and named.is_type_of is None:
            return self._plan(named, field_details_list) is not None
        return False

    def execute_operation(self, serially: bool | None = None) -> Any:
        key = shared_events.key_of(self.operation, self.root_value, self.variable_values)
        if key is None:
            return super().execute_operation(serially)
        found = shared_events.cached(key)
        if found is not None:
            return found
        return shared_events.keep(key, super().execute_operation(serially))
