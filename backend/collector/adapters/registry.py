"""Which adapter serves which ``kind`` of source."""

from __future__ import annotations

from backend.collector.adapters.base import Adapter, SourceBase
from backend.collector.adapters.modbus.config import ModbusSource
from backend.collector.adapters.opcua.config import OpcUaSource

SourceConfig = OpcUaSource | ModbusSource


def build_adapter(source: SourceBase) -> Adapter:
    """A fresh adapter (one connection attempt) for ``source``."""
    if isinstance(source, OpcUaSource):
        from backend.collector.adapters.opcua.adapter import OpcUaAdapter

        return OpcUaAdapter(source)
    if isinstance(source, ModbusSource):
        from backend.collector.adapters.modbus.adapter import ModbusAdapter

        return ModbusAdapter(source)
    raise TypeError(f"no adapter for source kind {type(source).__name__}")
