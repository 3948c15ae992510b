"""Import rules: protocol libraries stay inside their adapter's client; the wire contract stays pure."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

COLLECTOR = Path(__file__).resolve().parents[2] / "backend" / "collector"
LIBRARY_HOMES = {
    "asyncua": {"adapters/opcua/client.py", "simulate/opcua_server.py"},
    "pymodbus": {"adapters/modbus/client.py", "simulate/modbus_server.py"},
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_protocol_libraries_are_imported_only_by_their_client_and_simulator() -> None:
    offenders = []
    for path in COLLECTOR.rglob("*.py"):
        rel = path.relative_to(COLLECTOR).as_posix()
        for lib, homes in LIBRARY_HOMES.items():
            if rel not in homes and any(n == lib or n.startswith(lib + ".") for n in _imports(path)):
                offenders.append((rel, lib))
    assert offenders == []


def test_the_wire_contract_depends_on_msgspec_and_the_standard_library_only() -> None:
    for name in ("protocol.py", "sample.py"):
        for module in _imports(COLLECTOR / name):
            top = module.split(".")[0]
            assert (
                top in sys.stdlib_module_names or top == "msgspec" or module == "backend.collector.sample"
            ), module


def test_the_collector_never_imports_the_database_layer() -> None:
    forbidden = ("backend.db", "backend.domain", "backend.replication", "sqlalchemy")
    for path in COLLECTOR.rglob("*.py"):
        assert not [m for m in _imports(path) if m.startswith(forbidden)], path
