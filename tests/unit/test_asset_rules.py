"""The ISA-95 containment rules."""

from __future__ import annotations

import pytest

from backend.domain.assets.rules import Level, may_contain


@pytest.mark.parametrize(
    ("parent", "child", "allowed"),
    [
        (None, Level.AREA, True),
        (None, Level.LINE, False),
        (Level.AREA, Level.LINE, True),
        (Level.LINE, Level.MACHINE, True),
        (Level.MACHINE, Level.COMPONENT, True),
        (Level.COMPONENT, Level.COMPONENT, True),
        (Level.MACHINE, Level.LINE, False),
        (Level.LINE, Level.LINE, False),
        (Level.COMPONENT, Level.MACHINE, False),
    ],
)
def test_each_level_sits_under_a_shallower_one(parent: Level | None, child: Level, allowed: bool) -> None:
    assert may_contain(parent, child) is allowed
