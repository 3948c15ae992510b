"""Read planning: neighbouring registers merge into requests of at most 125 registers."""

from __future__ import annotations

from backend.collector.adapters.modbus.config import ModbusTag
from backend.collector.adapters.modbus.planner import plan_reads


def tag(address: int, data_type: str = "uint16", function: str = "holding_registers") -> ModbusTag:
    return ModbusTag(
        name=f"{function}.{address}",
        asset="M1",
        role="analog",
        function=function,  # type: ignore[arg-type]
        address=address,
        data_type=data_type,  # type: ignore[arg-type]
    )


def test_adjacent_registers_are_read_in_one_request() -> None:
    plan = plan_reads([tag(0), tag(1, "float32"), tag(3, "float64")], max_gap=0)
    assert [(p.address, p.count) for p in plan] == [(0, 7)]
    assert [offset for _, offset in plan[0].tags] == [0, 1, 3]


def test_a_gap_up_to_max_gap_is_filled() -> None:
    plan = plan_reads([tag(0), tag(9)], max_gap=8)
    assert [(p.address, p.count) for p in plan] == [(0, 10)]


def test_a_gap_wider_than_max_gap_splits_the_request() -> None:
    plan = plan_reads([tag(0), tag(10)], max_gap=8)
    assert [(p.address, p.count) for p in plan] == [(0, 1), (10, 1)]


def test_no_request_exceeds_125_registers() -> None:
    plan = plan_reads([tag(a, "uint32") for a in range(0, 300, 2)], max_gap=8)
    assert all(p.count <= 125 for p in plan)
    assert sum(len(p.tags) for p in plan) == 150
    assert [(p.address, p.count) for p in plan][:2] == [(0, 124), (124, 124)]


def test_a_multi_register_value_is_never_split_across_requests() -> None:
    plan = plan_reads([tag(a) for a in range(124)] + [tag(124, "float64")], max_gap=0)
    assert [(p.address, p.count) for p in plan] == [(0, 124), (124, 4)]


def test_functions_are_planned_separately() -> None:
    plan = plan_reads(
        [tag(0), tag(0, "uint16", "input_registers"), tag(1, "bool", "coils"), tag(2, "bool", "coils")],
        max_gap=8,
    )
    assert sorted((p.function, p.address, p.count) for p in plan) == [
        ("coils", 1, 2),
        ("holding_registers", 0, 1),
        ("input_registers", 0, 1),
    ]


def test_unordered_tags_are_sorted_by_address() -> None:
    plan = plan_reads([tag(5), tag(0), tag(3)], max_gap=2)
    assert [(p.address, p.count) for p in plan] == [(0, 6)]
    assert [t.address for t, _ in plan[0].tags] == [0, 3, 5]
