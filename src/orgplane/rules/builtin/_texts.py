"""Every text of an org, and a fast search for words in all of them.

Imports ``model`` only. Rules that must look at *everything* a user could see (an
internal id must never be rendered) use this: it walks the models generically, from
their field annotations, so a text field added to the model later is searched too.
It is built for orgs of 100,000 people: the texts of each model class are searched as
one joined string first, and only a class with a hit is searched text by text.
"""

from __future__ import annotations

import re
import types
import typing
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from typing import Any

from orgplane.model import (
    CatalogEntry,
    Gate,
    Group,
    Located,
    MessageTemplate,
    Org,
    Person,
    Role,
    Rotation,
    Workflow,
)

__all__ = ["HIDDEN_FIELDS", "Models", "Places", "WordFinder", "name_of", "texts_with"]

#: Fields users never see, so never searched: the one place an internal id belongs.
HIDDEN_FIELDS: frozenset[tuple[type[Located], str]] = frozenset({(Role, "internal_id")})

_WithId = Person | Role | CatalogEntry | MessageTemplate | Rotation | Gate | Workflow
_ID_KINDS: tuple[tuple[type[_WithId], str], ...] = (
    (Person, "person"),
    (Role, "role"),
    (CatalogEntry, "catalog entry"),
    (MessageTemplate, "template"),
    (Rotation, "rotation"),
    (Gate, "gate"),
    (Workflow, "workflow"),
)


def name_of(value: Located) -> str | None:
    """How a message names a model that has a name of its own, else None."""
    if isinstance(value, Org):
        return "the org"
    if isinstance(value, Group):
        return f"group {value.code}"
    for kind, noun in _ID_KINDS:
        if isinstance(value, kind):
            return f"{noun} {value.id!r}"
    return None


@dataclass(frozen=True, slots=True)
class Plan:
    """Which fields of one model class hold text, lists of text, models, lists of models."""

    texts: tuple[str, ...]
    text_lists: tuple[str, ...]
    models: tuple[str, ...]
    model_lists: tuple[str, ...]

    @property
    def is_leaf(self) -> bool:
        return not self.models and not self.model_lists


def _shape(annotation: object) -> str | None:
    """What a field of this type holds: "text", "texts", "model", "models", or None."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _shape(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        shapes = {_shape(arg) for arg in typing.get_args(annotation) if arg is not type(None)}
        return shapes.pop() if len(shapes) == 1 else None
    if origin is list:
        inner = _shape(typing.get_args(annotation)[0])
        return {"text": "texts", "model": "models"}.get(inner or "")
    if isinstance(annotation, type):
        if issubclass(annotation, Located):
            return "model"
        if issubclass(annotation, str):
            return "text"
    return None


def plan_of(cls: type[Located]) -> Plan:
    shapes: dict[str, list[str]] = defaultdict(list)
    for name, info in cls.model_fields.items():
        if (cls, name) in HIDDEN_FIELDS:
            continue
        shape = _shape(info.annotation)
        if shape is not None:
            shapes[shape].append(name)
    return Plan(
        tuple(shapes["text"]),
        tuple(shapes["texts"]),
        tuple(shapes["model"]),
        tuple(shapes["models"]),
    )


class Models:
    """Every model of the org, grouped by class, with each class's plan."""

    def __init__(self, root: Located) -> None:
        self.plans: dict[type[Located], Plan] = {}
        self.by_class: dict[type[Located], list[Located]] = defaultdict(list)
        # Iterative, since specs nest deeply. A list of leaf models (people, catalog
        # entries: nothing nested inside) is added whole, not one by one.
        stack = [root]
        while stack:
            model = stack.pop()
            plan = self.plan(type(model))
            self.by_class[type(model)].append(model)
            values = model.__dict__
            for name in plan.models:
                child = values[name]
                if child is not None:
                    stack.append(child)
            for name in plan.model_lists:
                items: list[Located] = values[name]
                if not items:
                    continue
                kinds = set(map(type, items))
                if len(kinds) == 1 and self.plan(kind := kinds.pop()).is_leaf:
                    self.by_class[kind].extend(items)
                else:
                    stack.extend(items)

    def plan(self, cls: type[Located]) -> Plan:
        plan = self.plans.get(cls)
        if plan is None:
            plan = self.plans[cls] = plan_of(cls)
        return plan


class WordFinder:
    """Finds any of a set of words (ids) in text: whole words, any letter case."""

    def __init__(self, ids: Iterable[str]) -> None:
        keys = sorted({key.lower() for key in ids}, key=len, reverse=True)
        # No look-behind at the start: the regex engine then skips quickly to positions
        # whose character can begin an id; the left boundary is checked by hand.
        body = "|".join(re.escape(key) for key in keys)
        self._pattern = re.compile(rf"(?:{body})(?!\w)")

    def find(self, text: str) -> str | None:
        lowered = text.lower()
        for match in self._pattern.finditer(lowered):
            start = match.start()
            if start == 0 or not (lowered[start - 1].isalnum() or lowered[start - 1] == "_"):
                return match.group(0)
        return None


def _row_values(names: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    if len(names) == 1:
        name = names[0]
        return lambda values: (values[name],)
    getter: Callable[[dict[str, Any]], tuple[Any, ...]] = itemgetter(*names)
    return getter


def _blob(models: list[Located], plan: Plan) -> str:
    """Every text of these models joined into one string, built in C (map, filter, join):
    each model's field dict is visited once, so 100,000 people cost milliseconds."""
    rows = list(map(vars, models))
    texts: Iterable[str] = ()
    if plan.texts:
        texts = filter(None, chain.from_iterable(map(_row_values(plan.texts), rows)))
    items: Iterable[str] = ()
    if plan.text_lists:
        lists = filter(None, chain.from_iterable(map(_row_values(plan.text_lists), rows)))
        items = chain.from_iterable(lists)
    return "\n".join(chain(texts, items))


def texts_with(
    models: Models, finder: WordFinder
) -> Iterator[tuple[Located, str, int | None, str]]:
    """(model, field, list index or None, word found) for every text with a word in it.

    The texts of each class are first searched as one joined blob; only a class with a
    hit is searched again text by text, so a clean org costs one pass.
    """
    for cls, group in models.by_class.items():
        plan = models.plan(cls)
        if finder.find(_blob(group, plan)) is None:
            continue
        for model in group:
            values = model.__dict__
            for name in plan.texts:
                text = values[name]
                if text and (found := finder.find(text)) is not None:
                    yield model, name, None, found
            for name in plan.text_lists:
                for i, text in enumerate(values[name] or ()):
                    if (found := finder.find(text)) is not None:
                        yield model, name, i, found


class Places:
    """Where a text sits, for a message: "kpis[0].note of group 1B".

    Nested models do not know their parent; the map from child to parent is built on
    the first finding only, so a clean org never pays for it.
    """

    def __init__(self, root: Located, models: Models) -> None:
        self._root = root
        self._models = models
        self._parents: dict[int, tuple[Located, str]] | None = None

    def describe(self, model: Located, field: str) -> str:
        parents = self._parents if self._parents is not None else self._map()
        steps = [field]
        current = model
        while name_of(current) is None and id(current) in parents:
            current, step = parents[id(current)]
            steps.append(step)
        name = name_of(current) or type(current).__name__.lower()
        return f"{'.'.join(reversed(steps))} of {name}"

    def _map(self) -> dict[int, tuple[Located, str]]:
        parents: dict[int, tuple[Located, str]] = {}
        stack = [self._root]
        while stack:
            model = stack.pop()
            plan = self._models.plan(type(model))
            values = model.__dict__
            for name in plan.models:
                child = values[name]
                if child is not None:
                    parents[id(child)] = (model, name)
                    stack.append(child)
            for name in plan.model_lists:
                for i, child in enumerate(values[name]):
                    parents[id(child)] = (model, f"{name}[{i}]")
                    stack.append(child)
        self._parents = parents
        return parents
