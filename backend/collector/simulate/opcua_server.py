"""The plant's OPC UA server (asyncua): one object per machine with its seven variables.

Node ids are ``ns=2;s=<code>.<tag>`` with tags ``run`` (Boolean), ``fault_code`` (UInt16),
``good`` and ``scrap`` (UInt32), ``run_hours``, ``temperature`` and ``vibration`` (Double).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any

from asyncua import ua
from asyncua.common.node import Node
from asyncua.server.server import Server

from backend.collector.simulate.machine import MachineState

NAMESPACE = "urn:gemba:simulator"
TAGS: dict[str, ua.VariantType] = {
    "run": ua.VariantType.Boolean,
    "fault_code": ua.VariantType.UInt16,
    "good": ua.VariantType.UInt32,
    "scrap": ua.VariantType.UInt32,
    "run_hours": ua.VariantType.Double,
    "temperature": ua.VariantType.Double,
    "vibration": ua.VariantType.Double,
}


def node_id(code: str, tag: str, ns: int = 2) -> str:
    return f"ns={ns};s={code}.{tag}"


class OpcUaPlantServer:
    """An in-process OPC UA server; ``start``/``stop`` may be called again on the same port."""

    def __init__(
        self,
        machines: list[str],
        host: str = "127.0.0.1",
        port: int = 4840,
        *,
        certificate: Path | None = None,
        private_key: Path | None = None,
    ) -> None:
        """With ``certificate`` and ``private_key`` the server only offers Basic256Sha256
        (Sign and SignAndEncrypt); without them only security policy None."""
        self.machines = machines
        self.host = host
        self.port = port
        self.certificate = certificate
        self.private_key = private_key
        self.server: Server | None = None
        self.nodes: dict[str, Node] = {}
        self._last: dict[str, Any] = {}
        self.ns = 2

    @property
    def endpoint(self) -> str:
        return f"opc.tcp://{self.host}:{self.port}/gemba/"

    async def start(self) -> None:
        logging.getLogger("asyncua").setLevel(logging.WARNING)
        server = Server()
        await server.init()
        server.set_endpoint(self.endpoint)
        server.set_server_name("Gemba simulated plant")
        if self.certificate is not None and self.private_key is not None:
            await server.load_certificate(str(self.certificate))
            await server.load_private_key(str(self.private_key))
            server.set_security_policy(
                [
                    ua.SecurityPolicyType.Basic256Sha256_Sign,
                    ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt,
                ]
            )
        else:
            server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
        self.ns = await server.register_namespace(NAMESPACE)
        self.nodes = {}
        for code in self.machines:
            obj = await server.nodes.objects.add_object(ua.NodeId.from_string(f"ns={self.ns};s={code}"), code)
            for tag, vtype in TAGS.items():
                initial: Any = (
                    False
                    if vtype == ua.VariantType.Boolean
                    else (0.0 if vtype == ua.VariantType.Double else 0)
                )
                var = await obj.add_variable(
                    ua.NodeId.from_string(node_id(code, tag, self.ns)), tag, ua.Variant(initial, vtype)
                )
                self.nodes[f"{code}.{tag}"] = var
        await server.start()
        self.server = server
        self._last = {}

    async def stop(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            # The server's clock task sleeps a whole second between ticks; end it now.
            clock, server.iserver.time_task = server.iserver.time_task, None
            if clock is not None:
                clock.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await clock
            await server.stop()

    async def write(self, key: str, value: Any) -> None:
        """Write one variable (``<code>.<tag>``) if it changed."""
        if self.server is None or self._last.get(key, object()) == value:
            return
        tag = key.rsplit(".", 1)[1]
        await self.nodes[key].write_value(ua.Variant(value, TAGS[tag]))
        self._last[key] = value

    async def publish(self, code: str, state: MachineState) -> None:
        for tag in TAGS:
            await self.write(f"{code}.{tag}", getattr(state, tag))
