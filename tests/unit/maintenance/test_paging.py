"""Cursors are opaque, bound to their sort order, and forged ones are refused by name."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from backend.domain.maintenance import paging
from backend.lib.errors import ValidationFailed


def test_a_cursor_round_trips_its_key_and_id() -> None:
    row = uuid.uuid4()
    when = datetime(2026, 3, 2, 8, 0, 0, 123456, tzinfo=UTC)
    assert paging.decode(paging.encode("-created", when, row), "-created") == (when, row)
    assert paging.decode(paging.encode("priority", 2, row), "priority") == (2, row)


def test_a_cursor_of_another_sort_order_is_refused() -> None:
    cursor = paging.encode("priority", 1, uuid.uuid4())
    with pytest.raises(ValidationFailed) as err:
        paging.decode(cursor, "-created")
    assert err.value.errors[0].field == "cursor"


@pytest.mark.parametrize("cursor", ["garbage", "e30", "eyJzIjoiLWNyZWF0ZWQiLCJrIjoxLCJpIjoieCJ9"])
def test_a_forged_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(ValidationFailed):
        paging.decode(cursor, "-created")
