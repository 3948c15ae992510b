"""Base classes for API payloads: inputs refuse unknown fields, outputs are plain Structs."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import msgspec

T = TypeVar("T", bound="Output")


class Input(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A request body: unknown fields are a 400, not silently dropped."""


class Output(msgspec.Struct, kw_only=True):
    @classmethod
    def of(cls: type[T], obj: Any, **extra: Any) -> T:
        """Build from an ORM row by attribute name (extra values win)."""
        values = {}
        for name in cls.__struct_fields__:
            if name in extra:
                values[name] = extra[name]
            else:
                values[name] = getattr(obj, name)
        return cls(**values)


class Page(msgspec.Struct, kw_only=True):
    items: list[Any]
    next_cursor: str | None = None


Code = Annotated[str, msgspec.Meta(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$")]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
ShortText = Annotated[str, msgspec.Meta(max_length=200)]
LongText = Annotated[str, msgspec.Meta(max_length=20000)]
