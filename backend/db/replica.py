"""How a table is replicated to offline devices, declared by the context that owns the table.

A context lists `Replicated` specs in its `replica.py`. `backend.replication` reads them to:

- capture every insert, update and delete of those rows (and of the rows in `touches`) into the
  commit-ordered change log, with the row's scope keys before and after the change;
- answer pulls: scan the rows in a device's scope by key, and read changed rows by id, shaped
  into the entity's wire form.

A row's scope key is `site:<site id>`; a device holds the rows of the sites its user may see.
`active` narrows that (a work order leaves devices once verified, cancelled or rejected), and
`follows` makes child rows share their parent's fate.

`tracked` names the fields whose concurrent offline edits are merged per field: for those, every
write (from a device or not) records the row version that wrote the field and, when a device
mutation wrote it, which one (see `sync.merge`).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, String
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

SITE_PREFIX = "site:"

Shape = Callable[[dict[str, Any]], None]
"""Turns the selected columns of one row into its wire data, in place."""
Enricher = Callable[[AsyncConnection, list[dict[str, Any]]], Awaitable[None]]
"""Adds data that lives in other tables to a batch of rows (e.g. a work order's assignees)."""


def site_key(site_id: uuid.UUID | str) -> str:
    return f"{SITE_PREFIX}{site_id}"


def sites_in(scope: Iterable[str]) -> list[uuid.UUID]:
    """The site ids named by `site:<id>` keys of a scope (other kinds of keys are ignored)."""
    found = []
    for key in scope:
        if key.startswith(SITE_PREFIX) and key.count(":") == 1:
            try:
                found.append(uuid.UUID(key[len(SITE_PREFIX) :]))
            except ValueError:
                continue
    return sorted(found)


class id_list(FunctionElement[str]):
    """The ids of an (ordered) subquery as one comma-separated string: `group_concat` on SQLite,
    `string_agg` on PostgreSQL. Read it with `id_texts`."""

    type = String()
    inherit_cache = True


@compiles(id_list)
def _group_concat(element: id_list, compiler: SQLCompiler, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)})"


@compiles(id_list, "postgresql")
def _string_agg(element: id_list, compiler: SQLCompiler, **kw: Any) -> str:
    return f"string_agg(CAST({compiler.process(element.clauses, **kw)} AS TEXT), ',')"


def id_texts(text: str | None) -> list[str]:
    """The ids of an `id_list` in their canonical text form, sorted, without making UUIDs (a
    first sync shapes thousands of rows)."""
    if not text:
        return []
    return sorted(
        f"{p[:8]}-{p[8:12]}-{p[12:16]}-{p[16:20]}-{p[20:]}" if len(p) == 32 else p.lower()
        for p in text.split(",")
    )


@dataclass(frozen=True)
class Follows:
    """Rows that are in scope only while their parent is (a work order's checklist, labor…)."""

    parent: type[Any]
    fk: str
    """The child's attribute holding the parent's id."""
    watched: tuple[str, ...]
    """Parent attributes whose change may move the children in or out of scope."""


@dataclass(frozen=True)
class Touch:
    """Writes of `model` rows change the wire row `(entity, getattr(row, id_attr))` (none when
    that attribute is null)."""

    model: type[Any]
    entity: str
    id_attr: str
    site_attr: str = "site_id"


@dataclass(frozen=True)
class Replicated:
    entity: str
    """The wire name (`workorder`, `asset`…)."""
    model: type[Any]
    fields: Mapping[str, ColumnElement[Any]]
    """Wire field → selected expression (before `shape`)."""
    key: tuple[InstrumentedAttribute[Any], ...]
    """The id columns; two make an id `"<a>:<b>"`."""
    site: InstrumentedAttribute[Any]
    version: InstrumentedAttribute[Any] | None = None
    """A per-row version counter; without one, the row's `stamp` in milliseconds stands in."""
    stamp: InstrumentedAttribute[Any] | None = None
    joins: tuple[tuple[Any, ColumnElement[bool]], ...] = ()
    active: ColumnElement[bool] | None = None
    """Extra condition for a row to be on devices at all (over the model and `joins`)."""
    shape: Shape | None = None
    enrich: Enricher | None = None
    follows: Follows | None = None
    tracked: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Merged field → the model attributes that make it up."""

    def __post_init__(self) -> None:
        if self.version is None and self.stamp is None:
            raise ValueError(f"{self.entity}: a replicated table needs a version or a stamp column")
        if not 1 <= len(self.key) <= 2:
            raise ValueError(f"{self.entity}: an id is made of one or two columns")

    @property
    def key_attrs(self) -> tuple[str, ...]:
        return tuple(k.key for k in self.key)

    def row_id(self, obj: Any) -> str:
        return ":".join(str(getattr(obj, name)) for name in self.key_attrs)


@dataclass(frozen=True)
class Replica:
    """What one context replicates: its tables and the other writes that change them."""

    tables: tuple[Replicated, ...]
    touches: tuple[Touch, ...] = ()
