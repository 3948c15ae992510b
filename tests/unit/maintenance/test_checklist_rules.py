"""Checklist answers: typed per kind, numeric limits inclusive, failed checks flagged."""

from __future__ import annotations

import pytest

from backend.domain.maintenance.rules import check_item_definition, is_answered, parse_answer
from backend.lib.errors import ValidationFailed


@pytest.mark.parametrize(
    ("value", "flagged"),
    [(0.0, False), (0.02, False), (0.01, False), (0.021, True), (-0.001, True)],
)
def test_numeric_values_outside_inclusive_limits_are_flagged(value: float, flagged: bool) -> None:
    assert parse_answer("numeric", value, 0.0, 0.02).out_of_limits is flagged


def test_a_one_sided_limit_flags_only_its_side() -> None:
    assert parse_answer("numeric", 1000.0, 5.0, None).out_of_limits is False
    assert parse_answer("numeric", 4.0, 5.0, None).out_of_limits is True


def test_a_failed_pass_fail_check_is_flagged() -> None:
    assert parse_answer("pass_fail", "fail", None, None).out_of_limits is True
    assert parse_answer("pass_fail", "pass", None, None).out_of_limits is False
    assert parse_answer("pass_fail", True, None, None).value_bool is True


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("numeric", "12"),
        ("numeric", True),
        ("checkbox", "yes"),
        ("pass_fail", "maybe"),
        ("text", 3.0),
        ("photo_required", "not-a-uuid"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(kind: str, value: object) -> None:
    with pytest.raises(ValidationFailed) as err:
        parse_answer(kind, value, None, None)  # type: ignore[arg-type]
    assert err.value.errors[0].field == "value"


def test_a_required_checkbox_counts_only_when_ticked() -> None:
    assert is_answered("checkbox", True, None, None)
    assert not is_answered("checkbox", False, None, None)


def test_a_failed_check_still_counts_as_answered() -> None:
    assert is_answered("pass_fail", False, None, None)


def test_limits_belong_to_numeric_items_only() -> None:
    with pytest.raises(ValidationFailed):
        check_item_definition("text", "mm", None, None, "items[0]")
    with pytest.raises(ValidationFailed) as err:
        check_item_definition("numeric", "mm", 2.0, 1.0, "items[0]")
    assert err.value.errors[0].field == "items[0].lower_limit"
