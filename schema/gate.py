"""Every document passes one gate before it runs (R-ERR-3), and pays for it once.

Cheap checks first: the text's length, then parsing with a token cap, then `schema.cost` (one
pass, linear in the text), and only then graphql-core's validation. The verdict of all of it is
kept in an LRU keyed by the document text, so a repeated document (every front-end query) is
neither parsed nor validated again. The validation rules are module constants, so the cached
verdict stays right for every request.

A request's documents share one budget: the operations of a batch are charged together.

A document sent by hash (persisted or trusted documents) is resolved first, by
`schema.persisted`.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

import strawberry
from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    NoSchemaIntrospectionCustomRule,
    StringValueNode,
    Visitor,
    parse,
    validate,
    visit,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from core.settings import Settings, get_settings
from schema.cost import DocumentCost, FragmentCycle, document_cost
from schema.persisted import PersistedDocuments, resolve_persisted

T = TypeVar("T")
TOO_COMPLEX = "QUERY_TOO_COMPLEX"
BUDGET_KEY = "portal.cost_budget"  # in an HTTP request's scope: one budget per request


def too_complex(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": TOO_COMPLEX})


@dataclass(frozen=True)
class Limits:
    chars: int
    tokens: int
    depth: int
    aliases: int
    fields: int
    overlaps: int
    introspection: bool
    suggestions: bool

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(
            chars=settings.graphql_max_query_chars,
            tokens=settings.graphql_max_tokens,
            depth=settings.graphql_max_depth,
            aliases=settings.graphql_max_aliases,
            fields=settings.graphql_max_fields,
            overlaps=settings.graphql_max_overlaps,
            introspection=settings.graphql_introspection,
            suggestions=settings.graphql_suggestions,
        )


@dataclass
class Verdict:
    """What the gate knows about one document text."""

    document: DocumentNode | None = None
    refusal: GraphQLError | None = None
    cost: DocumentCost | None = None
    bad_text: tuple[str, list[str]] | None = None  # a string literal with NUL or a surrogate
    validation: list[GraphQLError] | None = None  # filled on first validation


@dataclass
class Budget:
    """What one request may still spend (a batch's operations together)."""

    chars: int
    fields: int
    overlaps: int

    def charge_text(self, text: str) -> GraphQLError | None:
        """Before parsing: a batch's texts together are as long as one document may be."""
        if len(text) > self.chars:
            return too_complex(
                f"The document has {len(text)} characters; this request may send "
                f"{self.chars} more. Send fewer or smaller operations."
            )
        self.chars -= len(text)
        return None

    def charge(self, cost: DocumentCost) -> GraphQLError | None:
        if cost.fields > self.fields or cost.overlaps > self.overlaps:
            return too_complex(
                "This request's documents together are too complex: "
                f"at most {self.fields} more fields and {self.overlaps} more repeated "
                "field pairs may be selected. Send fewer or smaller operations."
            )
        self.fields -= cost.fields
        self.overlaps -= cost.overlaps
        return None


PROBLEMS = {
    "nul": "Text must not contain NUL characters (\\u0000).",
    "surrogate": "Text must be valid Unicode: a lone surrogate (\\ud800-\\udfff) is not text.",
}


def bad_text(value: str) -> str | None:
    """NUL (PostgreSQL can't store it) or a lone UTF-16 surrogate (not encodable)."""
    if "\x00" in value:
        return "nul"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "surrogate"
    return None


def bad_text_path(value: Any, path: list[str]) -> tuple[str, list[str]] | None:
    """The first bad text in a variables value, and where it is."""
    if isinstance(value, str):
        problem = bad_text(value)
        return (problem, path) if problem else None
    if isinstance(value, dict):
        for key, item in value.items():
            problem = bad_text(key) if isinstance(key, str) else None
            if problem:
                return (problem, path)
            found = bad_text_path(item, [*path, str(key)])
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = bad_text_path(item, [*path, str(index)])
            if found is not None:
                return found
    return None


class _BadLiteralFinder(Visitor):
    found: str | None = None

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        self.found = self.found or bad_text(node.value)


def _judge(text: str, limits: Limits) -> Verdict:
    """Cheap checks, cheapest first; never validation (that runs once, later, if allowed)."""
    if len(text) > limits.chars:
        return Verdict(
            refusal=too_complex(
                f"The document has {len(text)} characters; the limit is {limits.chars}."
            )
        )
    try:
        document = parse(text, max_tokens=limits.tokens)
    except GraphQLError as error:
        return Verdict(refusal=_syntax(error))
    except RecursionError:
        return Verdict(refusal=too_complex("The document is nested too deeply."))
    try:
        cost = document_cost(document)
    except FragmentCycle as cycle:
        return Verdict(refusal=too_complex(f"Fragment '{cycle.name}' spreads itself."))
    except RecursionError:
        return Verdict(refusal=too_complex("The document's fragments are nested too deeply."))
    refusal = _over_limits(cost, limits)
    if refusal is not None:
        return Verdict(refusal=refusal, cost=cost)
    finder = _BadLiteralFinder()
    visit(document, finder)
    literal = (finder.found, ["query"]) if finder.found else None
    return Verdict(document=document, cost=cost, bad_text=literal)


def _syntax(error: GraphQLError) -> GraphQLError:
    if "token" in error.message.lower():  # graphql-core's max_tokens
        return too_complex(f"Document contains more tokens than allowed. {error.message}")
    return error


def _over_limits(cost: DocumentCost, limits: Limits) -> GraphQLError | None:
    if cost.depth > limits.depth:
        return too_complex(
            f"'{cost.deepest_operation}' exceeds maximum operation depth of {limits.depth}"
        )
    if cost.aliases > limits.aliases:
        return too_complex(f"{cost.aliases} aliases found. Allowed: {limits.aliases}")
    if cost.fields > limits.fields:
        return too_complex(
            f"The document selects {cost.fields} fields once its fragments are expanded; "
            f"the limit is {limits.fields}."
        )
    if cost.overlaps > limits.overlaps:
        return too_complex(
            f"The document repeats fields too often ({cost.overlaps} same-named pairs to "
            f"merge; the limit is {limits.overlaps}). Select each field once."
        )
    return None


class DocumentCache:
    """Verdicts by document text, least recently used dropped first (touched on the loop)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, Limits], Verdict] = OrderedDict()

    def lookup(self, text: str, limits: Limits) -> Verdict | None:
        key = (text, limits)
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def store(self, text: str, limits: Limits, verdict: Verdict) -> None:
        self._entries[(text, limits)] = verdict
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


OFF_LOOP_ABOVE = 2000  # characters to parse, or fields to validate


async def _maybe_off_loop(size: int, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Small work inline; bigger work (still bounded by the limits) in a thread, so the event
    loop keeps answering other requests meanwhile."""
    if size <= OFF_LOOP_ABOVE:
        return fn(*args, **kwargs)
    return await asyncio.to_thread(fn, *args, **kwargs)


@lru_cache(maxsize=8)
def validation_rules(
    base: tuple[type[ASTValidationRule], ...], introspection: bool
) -> tuple[type[ASTValidationRule], ...]:
    """The same tuple object for every request (built once per switch setting)."""
    extra = () if introspection else (NoSchemaIntrospectionCustomRule,)
    return (*base, MaybeNullValidationRule, OneOfInputValidationRule, *extra)


@dataclass
class Gate:
    """The caches of one schema, built with it at start-up."""

    documents: DocumentCache = field(default_factory=lambda: DocumentCache(1024))
    persisted: PersistedDocuments = field(default_factory=lambda: PersistedDocuments(4096))

    def extension(self) -> type[SchemaExtension]:
        gate = self

        class GateExtension(DocumentGate):
            owner = gate

        return GateExtension


class DocumentGate(SchemaExtension):
    owner: Gate
    verdict: Verdict | None = None

    def on_operation(self) -> Iterator[None]:
        resolve_persisted(self.execution_context, self.owner.persisted)
        yield

    async def on_parse(self) -> AsyncIterator[None]:
        context = self.execution_context
        text = context.query
        if text is None:  # Strawberry answers "no query"
            yield
            return
        limits = Limits.of(get_settings())
        budget = _budget_of(context.context, limits)
        refusal = budget.charge_text(text)
        if refusal is not None:
            raise refusal
        cache = self.owner.documents
        verdict = cache.lookup(text, limits)
        if verdict is None:
            verdict = await _maybe_off_loop(len(text), _judge, text, limits)
            cache.store(text, limits, verdict)
        self.verdict = verdict
        if verdict.refusal is not None:
            raise verdict.refusal
        assert verdict.cost is not None and verdict.document is not None
        refusal = budget.charge(verdict.cost)
        if refusal is not None:
            raise refusal
        context.graphql_document = verdict.document
        yield

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        verdict = self.verdict
        document = context.graphql_document
        if verdict is not None and document is not None and document is verdict.document:
            if verdict.validation is None:
                settings = get_settings()
                verdict.validation = await _maybe_off_loop(
                    verdict.cost.fields if verdict.cost else 0,
                    validate,
                    context.schema._schema,
                    document,
                    validation_rules(context.validation_rules, settings.graphql_introspection),
                    hide_suggestions=not settings.graphql_suggestions,
                )
            context.pre_execution_errors = list(verdict.validation)
        yield

    def on_execute(self) -> Iterator[None]:
        """Text that can't be stored is refused before anything runs (R-ERR-1, R-ERR-3)."""
        verdict = self.verdict
        found = verdict.bad_text if verdict is not None else None
        found = found or bad_text_path(self.execution_context.variables or {}, [])
        if found is not None:
            problem, path = found
            raise GraphQLError(PROBLEMS[problem], extensions={"code": "INVALID", "field": path})
        yield


def _budget_of(request_context: Any, limits: Limits) -> Budget:
    """The HTTP request's budget (shared by a batch), or a fresh one for this operation."""
    request = getattr(request_context, "request", None)
    scope = getattr(request, "scope", None)
    if isinstance(scope, dict) and scope.get("type") == "http":
        budget = scope.get(BUDGET_KEY)
        if not isinstance(budget, Budget):
            budget = scope[BUDGET_KEY] = Budget(limits.chars, limits.fields, limits.overlaps)
        return budget
    return Budget(limits.chars, limits.fields, limits.overlaps)


class GatedSchema(strawberry.Schema):
    """A Strawberry schema whose execution also hides "Did you mean" when switched off (the
    gate hides them from validation); e.g. an enum value misspelt in the variables."""

    def _get_custom_context_kwargs(
        self, operation_extensions: dict[str, Any] | None = None, *, sync: bool = False
    ) -> dict[str, Any]:
        kwargs = super()._get_custom_context_kwargs(operation_extensions, sync=sync)
        kwargs["hide_suggestions"] = not get_settings().graphql_suggestions
        return kwargs
