"""Pure ``struct`` codec between Modbus registers and values, for all four byte/word orders.

Orders are named after the big-endian bytes ``A B C D`` of a 32-bit value (A most significant)
and tell in which order they travel in two 16-bit registers:

====== ================= =========================== ===========================================
order  registers (32 b)  meaning                     64-bit extension (bytes A..H, A first)
====== ================= =========================== ===========================================
ABCD   ``AB`` ``CD``     big endian                  ``AB CD EF GH``
CDAB   ``CD`` ``AB``     words swapped               ``GH EF CD AB`` (low word first)
BADC   ``BA`` ``DC``     bytes swapped in each word  ``BA DC FE HG``
DCBA   ``DC`` ``BA``     little endian               ``HG FE DC BA``
====== ================= =========================== ===========================================

The rule behind the table, used for every width: write the value big endian, cut it into 16-bit
words, reverse the word list for CDAB and DCBA, swap the two bytes of every word for BADC and DCBA.
A 16-bit value therefore only changes under BADC and DCBA (its bytes swap). ``bool`` values come
from coils and discrete inputs and do not go through this codec.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Callable, Sequence
from typing import Literal

DataType = Literal["bool", "int16", "uint16", "int32", "uint32", "float32", "float64"]
WordOrder = Literal["ABCD", "CDAB", "BADC", "DCBA"]
DATA_TYPES: tuple[DataType, ...] = ("bool", "int16", "uint16", "int32", "uint32", "float32", "float64")
WORD_ORDERS: tuple[WordOrder, ...] = ("ABCD", "CDAB", "BADC", "DCBA")

_FORMATS: dict[str, str] = {
    "int16": ">h",
    "uint16": ">H",
    "int32": ">i",
    "uint32": ">I",
    "float32": ">f",
    "float64": ">d",
}
_COUNTS: dict[str, int] = {
    "bool": 1,
    "int16": 1,
    "uint16": 1,
    "int32": 2,
    "uint32": 2,
    "float32": 2,
    "float64": 4,
}


class CodecError(ValueError):
    """Registers that cannot be decoded as asked (wrong count or out-of-range value)."""


def register_count(data_type: DataType) -> int:
    """How many 16-bit registers a value of ``data_type`` occupies (1 for ``bool``: one bit)."""
    return _COUNTS[data_type]


def _arrange(words: list[bytes], order: WordOrder) -> list[bytes]:
    if order in ("CDAB", "DCBA"):
        words = words[::-1]
    if order in ("BADC", "DCBA"):
        words = [w[::-1] for w in words]
    return words


def encode(value: float | int, data_type: DataType, order: WordOrder = "ABCD") -> list[int]:
    """Registers holding ``value`` (the inverse of ``decode``)."""
    if data_type == "bool":
        raise CodecError("bool values live in coils and discrete inputs, not registers")
    fmt = _FORMATS[data_type]
    try:
        raw = struct.pack(fmt, value if data_type.startswith("float") else int(value))
    except struct.error as exc:
        raise CodecError(f"{value!r} does not fit {data_type}") from exc
    words = [raw[i : i + 2] for i in range(0, len(raw), 2)]
    return [int.from_bytes(w, "big") for w in _arrange(words, order)]


Decoder = Callable[[Sequence[int], int], float | int]


@functools.cache
def decoder(data_type: DataType, order: WordOrder = "ABCD") -> Decoder:
    """A fast decoder ``f(registers, offset)`` for values of ``data_type`` starting at ``offset``.

    It packs the registers back into bytes in wire order (``<H`` per word swaps the two bytes of
    each word, for BADC and DCBA), reverses the words for CDAB and DCBA, and unpacks big endian.
    """
    if data_type == "bool":
        raise CodecError("bool values live in coils and discrete inputs, not registers")
    count = _COUNTS[data_type]
    swap_bytes = order in ("BADC", "DCBA")
    reverse_words = order in ("CDAB", "DCBA")
    if count == 1:
        signed = data_type == "int16"
        if swap_bytes:
            if signed:
                return lambda regs, i: _signed16(((regs[i] & 0xFF) << 8) | (regs[i] >> 8))
            return lambda regs, i: ((regs[i] & 0xFF) << 8) | (regs[i] >> 8)
        if signed:
            return lambda regs, i: _signed16(regs[i])
        return lambda regs, i: regs[i]
    packer = struct.Struct(("<" if swap_bytes else ">") + "H" * count)
    unpack = struct.Struct(_FORMATS[data_type]).unpack
    if reverse_words:
        return lambda regs, i: unpack(packer.pack(*regs[i + count - 1 : i - 1 if i else None : -1]))[0]
    return lambda regs, i: unpack(packer.pack(*regs[i : i + count]))[0]


def _signed16(value: int) -> int:
    return value - 0x10000 if value & 0x8000 else value


def decode(registers: Sequence[int], data_type: DataType, order: WordOrder = "ABCD") -> float | int:
    """The value held by ``registers`` (exactly ``register_count(data_type)`` of them)."""
    if data_type == "bool":
        raise CodecError("bool values live in coils and discrete inputs, not registers")
    count = _COUNTS[data_type]
    if len(registers) != count:
        raise CodecError(f"{data_type} needs {count} registers, got {len(registers)}")
    if any(not 0 <= r <= 0xFFFF for r in registers):
        raise CodecError(f"register values must be 0..65535, got {list(registers)}")
    return decoder(data_type, order)(list(registers), 0)
