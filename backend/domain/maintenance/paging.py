"""Opaque keyset cursors: the sort they belong to, the last row's sort key and its id."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import datetime
from typing import Literal

from backend.lib.errors import ValidationFailed

SortField = Literal["priority", "due", "created", "number"]
Sort = Literal["priority", "-priority", "due", "-due", "created", "-created", "number", "-number"]
KeyValue = int | datetime


def split_sort(sort: str) -> tuple[SortField, bool]:
    """The field and whether it runs descending."""
    field = sort.removeprefix("-")
    if field not in ("priority", "due", "created", "number"):
        raise ValidationFailed("sort", f"cannot sort by {field!r}")
    return field, sort.startswith("-")  # type: ignore[return-value]


def encode(sort: str, key: KeyValue, row_id: uuid.UUID) -> str:
    value: int | str = key.isoformat() if isinstance(key, datetime) else key
    raw = json.dumps({"s": sort, "k": value, "i": str(row_id)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, sort: str) -> tuple[KeyValue, uuid.UUID]:
    """The key and id a cursor holds; a cursor of another sort order or a forged one is a 422."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        row_id = uuid.UUID(data["i"])
        value = data["k"]
        cursor_sort = data["s"]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed("cursor", "not a cursor of this list") from None
    if cursor_sort != sort:
        raise ValidationFailed("cursor", "the cursor belongs to another sort order")
    field, _ = split_sort(sort)
    if field in ("priority", "number"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationFailed("cursor", "not a cursor of this list")
        return value, row_id
    try:
        when = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise ValidationFailed("cursor", "not a cursor of this list")
    return when, row_id
