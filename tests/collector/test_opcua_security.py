"""OPC UA with Basic256Sha256 (signed and encrypted) and a username, against a real server."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from asyncua.crypto.cert_gen import setup_self_signed_certificate
from cryptography.x509.oid import ExtendedKeyUsageOID

from backend.collector.adapters.base import AdapterError
from backend.collector.adapters.opcua.adapter import OpcUaAdapter
from backend.collector.adapters.opcua.config import OpcUaSource, OpcUaTag
from backend.collector.simulate.opcua_server import OpcUaPlantServer
from tests.collector.conftest import ListOutput, eventually, free_port

pytestmark = pytest.mark.asyncio(loop_scope="module")
CLIENT_URI = "urn:gemba:collector:test"


async def _certificates(folder: Path) -> dict[str, Path]:
    host = socket.gethostname()
    paths = {name: folder / name for name in ("server.pem", "server.der", "client.pem", "client.der")}
    await setup_self_signed_certificate(
        paths["server.pem"],
        paths["server.der"],
        "urn:gemba:simulator",
        host,
        [ExtendedKeyUsageOID.SERVER_AUTH],
        {"commonName": "gemba-sim"},
    )
    await setup_self_signed_certificate(
        paths["client.pem"],
        paths["client.der"],
        CLIENT_URI,
        host,
        [ExtendedKeyUsageOID.CLIENT_AUTH],
        {"commonName": "gemba-collector"},
    )
    return paths


def _source(server: OpcUaPlantServer, certs: dict[str, Path], policy: str, machine: str) -> OpcUaSource:
    return OpcUaSource(
        name="secure",
        endpoint=server.endpoint,
        tags=[
            OpcUaTag(
                name=f"{machine}.good", asset=machine, role="good_count", node_id=f"ns=2;s={machine}.good"
            )
        ],
        security_policy=policy,  # type: ignore[arg-type]
        certificate=str(certs["client.der"]),
        private_key=str(certs["client.pem"]),
        application_uri=CLIENT_URI,
        username="gemba",
        password="secret",
        publishing_interval_ms=50,
        keepalive_ms=500,
    )


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def secured(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[OpcUaPlantServer, dict[str, Path]]]:
    certs = await _certificates(tmp_path_factory.mktemp("certs"))
    server = OpcUaPlantServer(
        ["M1", "M2"],
        "127.0.0.1",
        free_port(),
        certificate=certs["server.der"],
        private_key=certs["server.pem"],
    )
    await server.start()
    yield server, certs
    await server.stop()


@pytest.mark.parametrize(
    ("policy", "machine"), [("Basic256Sha256_SignAndEncrypt", "M1"), ("Basic256Sha256_Sign", "M2")]
)
async def test_a_secured_endpoint_is_read_with_certificates_and_a_username(
    policy: str, machine: str, secured: tuple[OpcUaPlantServer, dict[str, Path]]
) -> None:
    server, certs = secured
    out = ListOutput()
    task = asyncio.create_task(OpcUaAdapter(_source(server, certs, policy, machine)).run(out))
    try:
        await eventually(lambda: out.values(f"{machine}.good") == [0])
        await server.write(f"{machine}.good", 3)
        await eventually(lambda: out.values(f"{machine}.good") == [0, 3])
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_secured_endpoint_refuses_a_plain_connection(
    secured: tuple[OpcUaPlantServer, dict[str, Path]],
) -> None:
    server, _ = secured
    plain = OpcUaSource(
        name="plain",
        endpoint=server.endpoint,
        tags=[OpcUaTag(name="M1.good", asset="M1", role="good_count", node_id="ns=2;s=M1.good")],
        timeout_s=2.0,
    )
    with pytest.raises(AdapterError):
        await OpcUaAdapter(plain).run(ListOutput())
