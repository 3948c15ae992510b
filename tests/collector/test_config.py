"""Config validation: unknown keys and bad values are refused with the key path and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.collector.config import ConfigError, load_config, parse_config
from backend.collector.simulate import collector_config_toml
from tests.collector.conftest import config_text, modbus_source, opcua_source

OPCUA = opcua_source("opc.tcp://127.0.0.1:4840/")


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _error(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_config(text, origin="plant.toml")
    return info.value


def test_unknown_key_is_refused_with_its_path_and_line(tmp_path: Path) -> None:
    text = config_text(
        OPCUA.replace('  role = "good_count"', '  role = "good_count"\n  colour = "red"', 1), spool=tmp_path
    )
    err = _error(text)
    line = _line_of(text, "colour")
    assert err.line == line
    assert err.path == "sources[0].tags[1].colour"
    assert f"plant.toml:{line}: sources[0].tags[1].colour: unknown key" in str(err)


def test_deadband_on_a_counter_is_refused(tmp_path: Path) -> None:
    text = config_text(
        OPCUA.replace('  role = "good_count"', '  role = "good_count"\n  deadband = 1.0', 1), spool=tmp_path
    )
    err = _error(text)
    assert err.path == "sources[0].tags[1].deadband"
    assert err.line == _line_of(text, "deadband =")
    assert "only allowed on tags with role 'analog'" in str(err)


def test_deadband_on_an_analog_tag_is_accepted(tmp_path: Path) -> None:
    tags = """
  [[sources.tags]]
  name = "M1.temperature"
  asset = "M1"
  role = "analog"
  node_id = "ns=2;s=M1.temperature"
  deadband = 0.5
"""
    config = parse_config(config_text(opcua_source("opc.tcp://h:4840/", tags=tags), spool=tmp_path))
    assert config.sources[0].tags[0].deadband == 0.5  # type: ignore[union-attr]


def test_a_value_of_the_wrong_type_names_key_and_line(tmp_path: Path) -> None:
    text = config_text(modbus_source("127.0.0.1", 502).replace("port = 502", 'port = "five"'), spool=tmp_path)
    err = _error(text)
    assert err.path == "sources[0].port"
    assert err.line == _line_of(text, 'port = "five"')
    assert "Expected `int`" in str(err)


def test_a_missing_required_key_is_named_at_its_table(tmp_path: Path) -> None:
    text = config_text(modbus_source("127.0.0.1", 502).replace('host = "127.0.0.1"\n', ""), spool=tmp_path)
    err = _error(text)
    assert err.path == "sources[0].host"
    assert err.line == _line_of(text, "[[sources]]")


def test_unknown_source_kind_is_refused(tmp_path: Path) -> None:
    err = _error(config_text(OPCUA.replace('kind = "opcua"', 'kind = "profinet"'), spool=tmp_path))
    assert err.path == "sources[0].kind"


def test_bool_on_a_holding_register_is_refused(tmp_path: Path) -> None:
    text = config_text(
        modbus_source("127.0.0.1", 502).replace('data_type = "uint32"', 'data_type = "bool"'), spool=tmp_path
    )
    err = _error(text)
    assert err.path == "sources[0].tags[1].data_type"


def test_a_tag_name_used_twice_is_refused(tmp_path: Path) -> None:
    text = config_text(OPCUA.replace('name = "M1.good"', 'name = "M1.run"'), spool=tmp_path)
    err = _error(text)
    assert err.path == "sources[0].tags[1].name"
    assert err.line == _line_of(text, 'name = "M1.run"') + 6


def test_security_policy_needs_a_certificate(tmp_path: Path) -> None:
    text = config_text(
        OPCUA.replace(
            'mode = "subscription"', 'mode = "subscription"\nsecurity_policy = "Basic256Sha256_Sign"'
        ),
        spool=tmp_path,
    )
    err = _error(text)
    assert err.path == "sources[0].certificate"


def test_invalid_toml_reports_its_line(tmp_path: Path) -> None:
    err = _error("[api]\nurl = \n")
    assert err.line == 2


def test_relative_paths_resolve_against_the_config_folder(tmp_path: Path) -> None:
    path = tmp_path / "plant.toml"
    path.write_text(config_text(OPCUA, spool=Path("var/spool.db")))
    config = load_config(path)
    assert config.spool.path == str(tmp_path / "var" / "spool.db")


def test_the_simulator_config_is_valid() -> None:
    text = collector_config_toml(
        opcua_machines=["M1"],
        modbus_machines=["M2"],
        all_machines=["M1", "M2"],
        opcua_endpoint="opc.tcp://127.0.0.1:4840/gemba/",
        modbus_host="127.0.0.1",
        modbus_port=5020,
        api_url="http://127.0.0.1:8000",
        token="t",
        spool_path="spool.db",
    )
    config = parse_config(text)
    assert [s.name for s in config.sources] == ["plant-opcua", "plant-modbus"]
    assert len(config.sources[1].tags) == 7


@pytest.mark.parametrize("document", ["README.md", "docs/collector.md"])
def test_the_example_configs_in_the_documentation_are_valid(document: str) -> None:
    import re

    from backend.settings import PROJECT_ROOT

    text = (PROJECT_ROOT / document).read_text(encoding="utf-8")
    examples = re.findall(r"```toml\n(.*?)```", text, flags=re.DOTALL)
    assert examples, f"{document} holds no TOML example"
    for example in examples:
        config = parse_config(example, document)
        assert config.sources, f"an example in {document} declares no source"
