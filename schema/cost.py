"""What a GraphQL document costs, measured in one pass linear in its size (R-ERR-3).

graphql-core's validation and Strawberry's depth/alias limiters re-walk a named fragment at
every spread: a document whose fragments each spread the next one twice costs 2^levels. Here
each fragment is costed once and memoized by name, so the numbers below describe the fully
expanded document while the work stays proportional to its text:

- `fields`: field selections after expanding every spread (what execution would visit);
- `aliases`: aliased fields, expanded the same way;
- `depth`: the deepest chain of fields with sub-selections (introspection fields ignored, as
  Strawberry's depth limiter does), per operation;
- `overlaps`: pairs of same-named fields inside one selection set, expanded; this is the work
  of graphql-core's quadratic "overlapping fields can be merged" rule (`{ a a a … }`).

A fragment cycle is reported at once (it would expand forever). Numbers saturate at `CAP`, so
a bomb can't build huge integers either.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

CAP = 10**12


def _sat(value: int) -> int:
    return value if value < CAP else CAP


class FragmentCycle(Exception):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(name)


@dataclass
class SetCost:
    """The cost of one selection set, expanded."""

    fields: int = 0
    aliases: int = 0
    depth: int = 0
    overlaps: int = 0
    names: Counter[str] = field(default_factory=Counter)  # response names at this level

    def add(self, other: SetCost, times: int = 1) -> None:
        self.fields = _sat(self.fields + other.fields * times)
        self.aliases = _sat(self.aliases + other.aliases * times)
        self.overlaps = _sat(self.overlaps + other.overlaps * times)
        self.depth = max(self.depth, other.depth)
        for name, count in other.names.items():
            self.names[name] = _sat(self.names[name] + count * times)


@dataclass(frozen=True)
class DocumentCost:
    fields: int
    aliases: int
    depth: int  # the deepest operation
    deepest_operation: str
    overlaps: int


class _Coster:
    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.memo: dict[str, SetCost] = {}
        self.visiting: set[str] = set()

    def fragment(self, name: str) -> SetCost:
        known = self.memo.get(name)
        if known is not None:
            return known
        definition = self.fragments.get(name)
        if definition is None:  # unknown fragment: validation names it
            return SetCost()
        if name in self.visiting:
            raise FragmentCycle(name)
        self.visiting.add(name)
        cost = self.selection_set(definition.selection_set)
        self.visiting.discard(name)
        self.memo[name] = cost
        return cost

    def selection_set(self, node: SelectionSetNode) -> SetCost:
        total = SetCost()
        spreads: Counter[str] = Counter()
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                total.add(self.field(selection))
            elif isinstance(selection, InlineFragmentNode):
                total.add(self.selection_set(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                spreads[selection.name.value] += 1
        for name, times in spreads.items():
            total.add(self.fragment(name), times)
        # what merging this level costs: each pair of same-named fields is compared
        pairs = sum(_sat(count * (count - 1) // 2) for count in total.names.values())
        total.overlaps = _sat(total.overlaps + pairs)
        return total

    def field(self, node: FieldNode) -> SetCost:
        name = node.alias.value if node.alias else node.name.value
        cost = SetCost(fields=1, aliases=1 if node.alias else 0)
        if node.selection_set is not None:
            inner = self.selection_set(node.selection_set)
            cost.fields = _sat(cost.fields + inner.fields)
            cost.aliases = _sat(cost.aliases + inner.aliases)
            cost.overlaps = inner.overlaps
            if not node.name.value.startswith("__"):
                cost.depth = inner.depth + 1
        cost.names[name] = 1
        return cost


def document_cost(document: DocumentNode) -> DocumentCost:
    """Cost of every operation and fragment of `document`; raises `FragmentCycle`."""
    coster = _Coster(document)
    fields = aliases = overlaps = depth = 0
    deepest = "anonymous"
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            cost = coster.selection_set(definition.selection_set)
            name = definition.name.value if definition.name else "anonymous"
        elif isinstance(definition, FragmentDefinitionNode):
            # validation also merges each fragment's own fields once, used or not
            cost = SetCost(overlaps=coster.fragment(definition.name.value).overlaps)
            name = ""
        else:
            continue
        fields, aliases = _sat(fields + cost.fields), _sat(aliases + cost.aliases)
        overlaps = _sat(overlaps + cost.overlaps)
        if name and cost.depth > depth:
            depth, deepest = cost.depth, name
    return DocumentCost(fields, aliases, depth, deepest, overlaps)
