"""One OPC UA session (the only module that imports asyncua).

Each ``open`` builds a fresh ``asyncua.Client`` (no library auto-reconnect: the runtime reconnects,
and a new session always gets a new subscription, so a subscription can never silently stay dead
after a server restart). A dead server is noticed three ways: the client's watchdog probe (every
``keepalive_ms``), the transport closing, and a subscription whose publish responses (data or
keep-alive) stop for three keep-alive periods. Every library error becomes ``AdapterError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asyncua import ua
from asyncua.client.client import Client
from asyncua.common.subscription import DataChangeEvent, OverflowPolicy, StatusChangeEvent, Subscription
from asyncua.crypto.security_policies import SecurityPolicyBasic256Sha256
from asyncua.ua.attribute_ids import AttributeIds

from backend.collector.adapters.base import AdapterError
from backend.collector.adapters.opcua.config import OpcUaSource
from backend.collector.sample import Quality, Value

log = logging.getLogger(__name__)

CHUNK = 500


@dataclass(frozen=True, slots=True)
class Reading:
    """One value of the item at ``index`` (position in the list given to read/subscribe)."""

    index: int
    value: Value
    quality: Quality
    source_ts: datetime | None


@dataclass(frozen=True, slots=True)
class MonitorSpec:
    """How to monitor one node."""

    node_id: str
    sampling_interval_ms: float
    queue_size: int
    deadband: float | None


def to_reading(index: int, dv: ua.DataValue) -> Reading:
    """Map an OPC UA DataValue to a reading: a bad status means no value (Part 4 §7.11)."""
    status = dv.StatusCode if dv.StatusCode is not None else ua.StatusCode()
    ts = dv.SourceTimestamp or dv.ServerTimestamp
    if ts is not None and ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    if status.is_bad():
        return Reading(index, None, "bad", ts)
    quality: Quality = "uncertain" if status.is_uncertain() else "good"
    raw = dv.Value.Value if dv.Value is not None else None
    value = _scalar(raw)
    if value is None and raw is not None:
        quality = "bad"
    return Reading(index, value, quality, ts)


def _scalar(raw: Any) -> Value:
    if raw is None or isinstance(raw, bool | int):
        return raw
    if isinstance(raw, float):
        return raw if math.isfinite(raw) else None
    return None


class UaSubscription:
    """A live subscription; ``next`` yields readings and raises ``AdapterError`` on loss."""

    def __init__(
        self,
        conn: UaConnection,
        sub: Subscription,
        handles: dict[int, int],
        keepalive_s: float,
        failed: list[int],
    ) -> None:
        self.failed = failed
        self._conn = conn
        self._sub = sub
        self._handles = handles
        self._keepalive_s = keepalive_s
        self._created = time.monotonic()

    async def next(self, wait_s: float = 0.25) -> list[Reading]:
        """Readings received so far (waits up to ``wait_s`` for the first one)."""
        out: list[Reading] = []
        try:
            event = await self._sub.next_event(timeout=wait_s)
        except StopAsyncIteration as exc:
            raise AdapterError(f"opcua {self._conn.url}: subscription closed") from exc
        queue = self._sub._event_queue
        while event is not None:
            if isinstance(event, DataChangeEvent):
                handle = event.data.subscription_data.client_handle
                index = self._handles.get(handle) if handle is not None else None
                if index is not None:
                    out.append(to_reading(index, event.data.monitored_item.Value))
            elif isinstance(event, StatusChangeEvent) and not event.notification.Status.is_good():
                raise AdapterError(f"opcua {self._conn.url}: subscription status {event.notification.Status}")
            if len(out) >= 5000 or queue is None or queue.empty():
                break
            event = queue.get_nowait()
            if event is None:
                raise AdapterError(f"opcua {self._conn.url}: subscription closed")
        self._conn.check_alive()
        last = self._sub.last_publish_at or self._created
        if time.monotonic() - last > 3 * self._keepalive_s:
            raise AdapterError(
                f"opcua {self._conn.url}: no publish response for {3 * self._keepalive_s:.1f}s"
            )
        return out


class UaConnection:
    """One session to one server."""

    def __init__(self, source: OpcUaSource) -> None:
        self.source = source
        self.url = source.endpoint
        self._client: Client | None = None
        self._lost: str | None = None

    async def open(self) -> None:
        src = self.source
        keepalive_s = src.keepalive_ms / 1000
        client = Client(src.endpoint, timeout=src.timeout_s, watchdog_intervall=keepalive_s)
        client.session_timeout = max(30_000, 10 * src.keepalive_ms)
        if src.application_uri:
            client.application_uri = src.application_uri
        if src.username is not None:
            client.set_user(src.username)
            client.set_password(src.password or "")
        client.connection_lost_callback = self._on_lost
        self._lost = None
        try:
            if src.security_policy != "None":
                assert src.certificate is not None
                assert src.private_key is not None
                mode = (
                    ua.MessageSecurityMode.Sign
                    if src.security_policy == "Basic256Sha256_Sign"
                    else ua.MessageSecurityMode.SignAndEncrypt
                )
                await asyncio.wait_for(
                    client.set_security(
                        SecurityPolicyBasic256Sha256,
                        certificate=src.certificate,
                        private_key=src.private_key,
                        server_certificate=src.server_certificate,
                        mode=mode,
                    ),
                    src.timeout_s * 2,
                )
            await asyncio.wait_for(client.connect(), src.timeout_s * 2)
        except (Exception, TimeoutError) as exc:
            await _quiet_disconnect(client)
            raise AdapterError(f"opcua {self.url}: connect failed: {type(exc).__name__}: {exc}") from exc
        self._client = client

    async def _on_lost(self, exc: Exception) -> None:
        self._lost = f"{type(exc).__name__}: {exc}"

    def check_alive(self) -> None:
        """Raise ``AdapterError`` when the session is known to be gone."""
        if self._lost is not None:
            raise AdapterError(f"opcua {self.url}: connection lost ({self._lost})")
        if self._client is None:
            raise AdapterError(f"opcua {self.url}: not connected")

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await _quiet_disconnect(client)

    def _require(self) -> Client:
        self.check_alive()
        assert self._client is not None
        return self._client

    async def read(self, node_ids: Sequence[str]) -> list[Reading]:
        """Read the Value attribute of every node (chunked), in the given order."""
        client = self._require()
        out: list[Reading] = []
        try:
            nodes = [client.get_node(n) for n in node_ids]
            for start in range(0, len(nodes), CHUNK):
                values = await asyncio.wait_for(
                    client.read_attributes(nodes[start : start + CHUNK]), self.source.timeout_s
                )
                out.extend(to_reading(start + i, dv) for i, dv in enumerate(values))
        except AdapterError:
            raise
        except (Exception, TimeoutError) as exc:
            raise AdapterError(f"opcua {self.url}: read failed: {type(exc).__name__}: {exc}") from exc
        return out

    async def subscribe(self, items: Sequence[MonitorSpec], publishing_interval_ms: float) -> UaSubscription:
        """Create one subscription monitoring every item (created in chunks)."""
        client = self._require()
        keepalive_s = self.source.keepalive_ms / 1000
        keepalive_count = max(1, math.ceil(self.source.keepalive_ms / publishing_interval_ms))
        params = ua.CreateSubscriptionParameters(
            RequestedPublishingInterval=publishing_interval_ms,
            RequestedLifetimeCount=keepalive_count * 10,
            RequestedMaxKeepAliveCount=keepalive_count,
            MaxNotificationsPerPublish=0,
            PublishingEnabled=True,
            Priority=0,
        )
        handles: dict[int, int] = {}
        failed: list[int] = []
        try:
            sub = await asyncio.wait_for(
                client.create_subscription(
                    params,
                    None,
                    queue_maxsize=max(10_000, 20 * len(items)),
                    overflow=OverflowPolicy.DISCONNECT,
                ),
                self.source.timeout_s,
            )
            requests = []
            for index, item in enumerate(items):
                handle = index + 1
                handles[handle] = index
                requests.append(_monitor_request(client, item, handle))
            for start in range(0, len(requests), CHUNK):
                results = await asyncio.wait_for(
                    sub.create_monitored_items(requests[start : start + CHUNK]), self.source.timeout_s
                )
                for offset, result in enumerate(results):
                    if isinstance(result, ua.StatusCode):
                        failed.append(start + offset)
                        node = items[start + offset].node_id
                        log.error("opcua %s: cannot monitor %s: %s", self.url, node, result)
        except (Exception, TimeoutError) as exc:
            raise AdapterError(f"opcua {self.url}: subscribe failed: {type(exc).__name__}: {exc}") from exc
        return UaSubscription(self, sub, handles, keepalive_s, failed)


def _monitor_request(client: Client, item: MonitorSpec, handle: int) -> ua.MonitoredItemCreateRequest:
    rv = ua.ReadValueId()
    rv.NodeId = client.get_node(item.node_id).nodeid
    rv.AttributeId = AttributeIds.Value
    params = ua.MonitoringParameters()
    params.ClientHandle = handle
    params.SamplingInterval = item.sampling_interval_ms
    params.QueueSize = item.queue_size
    params.DiscardOldest = True
    if item.deadband is not None:
        flt = ua.DataChangeFilter()
        flt.Trigger = ua.DataChangeTrigger.StatusValue
        flt.DeadbandType = 1
        flt.DeadbandValue = item.deadband
        params.Filter = flt
    request = ua.MonitoredItemCreateRequest()
    request.ItemToMonitor = rv
    request.MonitoringMode = ua.MonitoringMode.Reporting
    request.RequestedParameters = params
    return request


async def _quiet_disconnect(client: Client) -> None:
    with contextlib.suppress(Exception, TimeoutError):
        await asyncio.wait_for(client.disconnect(), 2.0)
