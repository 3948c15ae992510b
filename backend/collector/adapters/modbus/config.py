"""Modbus TCP source and tag configuration (``kind = "modbus"``)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from backend.collector.adapters.base import SourceBase, TagBase
from backend.collector.adapters.modbus.codec import DataType, WordOrder, register_count

Function = Literal["coils", "discrete_inputs", "holding_registers", "input_registers"]
BIT_FUNCTIONS: frozenset[str] = frozenset({"coils", "discrete_inputs"})


class ModbusTag(TagBase, kw_only=True, forbid_unknown_fields=True):
    """One Modbus value: ``address`` is the 0-based protocol address (register 40001 is 0).

    The engineering value is ``raw * scale + offset`` (kept an integer when both are the identity).
    ``bool`` is the only data type of coils and discrete inputs and is not allowed on registers.
    """

    function: Function
    address: Annotated[int, msgspec.Meta(ge=0, le=65535)]
    data_type: DataType = "uint16"
    byte_order: WordOrder = "ABCD"
    scale: float = 1.0
    offset: float = 0.0

    def __post_init__(self) -> None:
        is_bit = self.function in BIT_FUNCTIONS
        if is_bit and self.data_type != "bool":
            raise ValueError(f"data_type: {self.function} carry single bits, use data_type = 'bool'")
        if not is_bit and self.data_type == "bool":
            raise ValueError(
                f"data_type: 'bool' needs function 'coils' or 'discrete_inputs', not {self.function}"
            )
        if self.address + register_count(self.data_type) > 65536:
            raise ValueError("address: the value runs past register 65535")
        if self.scale == 0:
            raise ValueError("scale: must not be 0")


class ModbusSource(SourceBase, tag="modbus", kw_only=True, forbid_unknown_fields=True):
    """One Modbus TCP device (``unit_id`` is the Modbus device / slave id).

    Neighbouring addresses of one function are read in one request of at most 125 registers
    (2000 bits) when the hole between them is at most ``max_gap`` registers.
    """

    host: Annotated[str, msgspec.Meta(min_length=1)]
    tags: Annotated[list[ModbusTag], msgspec.Meta(min_length=1)]
    port: Annotated[int, msgspec.Meta(ge=1, le=65535)] = 502
    unit_id: Annotated[int, msgspec.Meta(ge=0, le=255)] = 1
    poll_interval_ms: Annotated[int, msgspec.Meta(ge=0, le=86_400_000)] = 1000
    timeout_s: Annotated[float, msgspec.Meta(gt=0, le=300)] = 2.0
    max_gap: Annotated[int, msgspec.Meta(ge=0, le=124)] = 8
