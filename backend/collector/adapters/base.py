"""The adapter contract shared by every protocol.

An adapter owns one connection to one source. ``run(out)`` connects, calls ``out.connected()``,
then turns every library value into a sample through ``out.emit(...)`` until the connection fails,
when it raises ``AdapterError`` (every library exception is turned into one). The runtime owns
reconnects, backoff, demotion and the stale markers; the ``SampleOutput`` it passes in owns
sequence numbers and report-by-exception, so every adapter emits the same ``Sample`` type.

Config: a protocol's source struct subclasses ``SourceBase`` (with ``tag="<kind>"``) and its tag
struct subclasses ``TagBase``; both refuse unknown keys.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Protocol

import msgspec

from backend.collector.sample import Quality, Role, Value

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:/\-]+$")]


class AdapterError(Exception):
    """Anything that went wrong talking to a source; the runtime reconnects after it."""


class TagBase(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What every tag declares, whatever the protocol."""

    name: Name
    asset: Name
    role: Role


class SourceBase(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, tag_field="kind"):
    """What every source declares, whatever the protocol."""

    name: Name
    enabled: bool = True


class SampleOutput(Protocol):
    """Where an adapter puts what it reads (implemented by ``backend.collector.emitter.Emitter``)."""

    report_by_exception: bool
    """True: a value equal to the tag's last one is dropped (its heartbeat re-sends it), so an
    adapter may skip a reply identical to the previous one without decoding it."""

    def connected(self) -> None:
        """The connection is up and the tags are being read."""

    def emit(
        self,
        tag: TagBase,
        value: Value,
        quality: Quality = "good",
        source_ts: datetime | None = None,
    ) -> None:
        """One value of one tag (filtered by report-by-exception, stamped with seq and time)."""


class Adapter(Protocol):
    """One source's connection: ``run`` returns only when cancelled and raises ``AdapterError``."""

    @property
    def source(self) -> SourceBase:
        """The source this adapter reads."""

    async def run(self, out: SampleOutput) -> None:
        """Connect, stream values into ``out`` until failure; close the connection on exit."""
