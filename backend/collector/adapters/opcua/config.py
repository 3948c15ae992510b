"""OPC UA source and tag configuration (``kind = "opcua"``)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

import msgspec

from backend.collector.adapters.base import SourceBase, TagBase

SecurityPolicy = Literal["None", "Basic256Sha256_Sign", "Basic256Sha256_SignAndEncrypt"]
Mode = Literal["subscription", "poll"]
_NODE_ID = re.compile(r"^(?:(?:ns=\d+|nsu=[^;]+);)?(?:i=\d+|s=.+|g=[0-9A-Fa-f-]{36}|b=.+)$")

PositiveMs = Annotated[int, msgspec.Meta(ge=1, le=86_400_000)]
QueueSize = Annotated[int, msgspec.Meta(ge=1, le=10_000)]


class OpcUaTag(TagBase, kw_only=True, forbid_unknown_fields=True):
    """One OPC UA variable.

    ``deadband`` (absolute, in engineering units) is only accepted on ``analog`` tags: a deadband on
    a run bit or counter would hide real edges. ``queue_size`` overrides the source's queue size.
    """

    node_id: str
    deadband: Annotated[float, msgspec.Meta(ge=0)] | None = None
    queue_size: QueueSize | None = None

    def __post_init__(self) -> None:
        if not _NODE_ID.match(self.node_id):
            raise ValueError(f"node_id: {self.node_id!r} is not an OPC UA node id such as 'ns=2;s=M1.run'")
        if self.deadband is not None and self.role != "analog":
            raise ValueError(
                f"deadband: only allowed on tags with role 'analog' (this tag's role is '{self.role}')"
            )


class OpcUaSource(SourceBase, tag="opcua", kw_only=True, forbid_unknown_fields=True):
    """One OPC UA server endpoint.

    In ``subscription`` mode run bits and counters are monitored with ``queue_size`` (> 1 so no
    edge between two publishes is lost) and analog tags with queue size 1 and their deadband. In
    ``poll`` mode every tag is read each ``poll_interval_ms``. ``keepalive_ms`` bounds how long a
    dead server goes unnoticed (session watchdog and subscription keep-alive).
    """

    endpoint: Annotated[str, msgspec.Meta(pattern=r"^opc\.tcp://.+")]
    tags: Annotated[list[OpcUaTag], msgspec.Meta(min_length=1)]
    security_policy: SecurityPolicy = "None"
    certificate: str | None = None
    private_key: str | None = None
    server_certificate: str | None = None
    application_uri: str | None = None
    username: str | None = None
    password: str | None = None
    mode: Mode = "subscription"
    publishing_interval_ms: PositiveMs = 500
    sampling_interval_ms: Annotated[int, msgspec.Meta(ge=0, le=86_400_000)] = 250
    queue_size: QueueSize = 10
    poll_interval_ms: PositiveMs = 1000
    timeout_s: Annotated[float, msgspec.Meta(gt=0, le=300)] = 5.0
    keepalive_ms: Annotated[int, msgspec.Meta(ge=100, le=600_000)] = 2000

    def __post_init__(self) -> None:
        if self.security_policy != "None":
            if self.certificate is None:
                raise ValueError(f"certificate: required when security_policy is '{self.security_policy}'")
            if self.private_key is None:
                raise ValueError(f"private_key: required when security_policy is '{self.security_policy}'")
        if (self.username is None) != (self.password is None):
            missing = "password" if self.password is None else "username"
            raise ValueError(f"{missing}: username and password go together")
