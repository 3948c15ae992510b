"""The Modbus codec: every data type in every byte/word order, against fixed vectors too."""

from __future__ import annotations

import math
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.collector.adapters.modbus.codec import CodecError, WordOrder, decode, decoder, encode

ORDERS: list[WordOrder] = ["ABCD", "CDAB", "BADC", "DCBA"]
INTS = {
    "int16": st.integers(-(2**15), 2**15 - 1),
    "uint16": st.integers(0, 2**16 - 1),
    "int32": st.integers(-(2**31), 2**31 - 1),
    "uint32": st.integers(0, 2**32 - 1),
}


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("data_type", list(INTS))
def test_integers_round_trip_in_every_order(data_type: str, order: WordOrder) -> None:
    @given(INTS[data_type])
    def check(value: int) -> None:
        registers = encode(value, data_type, order)  # type: ignore[arg-type]
        assert all(0 <= r <= 0xFFFF for r in registers)
        assert decode(registers, data_type, order) == value  # type: ignore[arg-type]

    check()


@pytest.mark.parametrize("order", ORDERS)
def test_float32_round_trips_in_every_order(order: WordOrder) -> None:
    @given(st.floats(width=32, allow_nan=False))
    def check(value: float) -> None:
        assert decode(encode(value, "float32", order), "float32", order) == value

    check()


@pytest.mark.parametrize("order", ORDERS)
def test_float64_round_trips_in_every_order(order: WordOrder) -> None:
    @given(st.floats(allow_nan=False))
    def check(value: float) -> None:
        assert decode(encode(value, "float64", order), "float64", order) == value

    check()


@pytest.mark.parametrize(
    ("order", "registers"),
    [
        ("ABCD", [0x42F6, 0xE979]),
        ("CDAB", [0xE979, 0x42F6]),
        ("BADC", [0xF642, 0x79E9]),
        ("DCBA", [0x79E9, 0xF642]),
    ],
)
def test_float32_123_456_has_the_documented_registers(order: WordOrder, registers: list[int]) -> None:
    assert encode(123.456, "float32", order) == registers
    assert decode(registers, "float32", order) == pytest.approx(123.456, rel=1e-7)


@pytest.mark.parametrize(
    ("order", "registers"),
    [
        ("ABCD", [0x0102, 0x0304, 0x0506, 0x0708]),
        ("CDAB", [0x0708, 0x0506, 0x0304, 0x0102]),
        ("BADC", [0x0201, 0x0403, 0x0605, 0x0807]),
        ("DCBA", [0x0807, 0x0605, 0x0403, 0x0201]),
    ],
)
def test_64_bit_orders_extend_the_32_bit_rule(order: WordOrder, registers: list[int]) -> None:
    value = struct.unpack(">d", bytes(range(1, 9)))[0]
    assert encode(value, "float64", order) == registers


def test_int32_minus_two_in_little_endian() -> None:
    assert encode(-2, "int32", "DCBA") == [0xFEFF, 0xFFFF]


def test_16_bit_values_change_only_under_byte_swapping_orders() -> None:
    assert encode(0x1234, "uint16", "ABCD") == encode(0x1234, "uint16", "CDAB") == [0x1234]
    assert encode(0x1234, "uint16", "BADC") == encode(0x1234, "uint16", "DCBA") == [0x3412]


def test_wrong_register_count_is_a_codec_error() -> None:
    with pytest.raises(CodecError):
        decode([1], "float32")


def test_nan_survives_the_codec() -> None:
    assert math.isnan(decode(encode(math.nan, "float32"), "float32"))


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("data_type", ["int16", "uint16", "int32", "uint32", "float32", "float64"])
def test_the_fast_decoder_reads_a_value_at_any_offset(data_type: str, order: WordOrder) -> None:
    @given(st.lists(st.integers(0, 0xFFFF), min_size=4, max_size=12), st.integers(0, 8))
    def check(registers: list[int], offset: int) -> None:
        width = {"int16": 1, "uint16": 1, "int32": 2, "uint32": 2, "float32": 2, "float64": 4}[data_type]
        if offset + width > len(registers):
            return
        words = [r.to_bytes(2, "big") for r in registers[offset : offset + width]]
        if order in ("CDAB", "DCBA"):
            words = words[::-1]
        if order in ("BADC", "DCBA"):
            words = [w[::-1] for w in words]
        fmt = {"int16": ">h", "uint16": ">H", "int32": ">i", "uint32": ">I", "float32": ">f", "float64": ">d"}
        expected = struct.unpack(fmt[data_type], b"".join(words))[0]
        got = decoder(data_type, order)(registers, offset)  # type: ignore[arg-type]
        assert got == expected or (got != got and expected != expected)

    check()
