"""Pure Web Push rules: subscription checks, payload shaping, delivery options, retry timing."""

from __future__ import annotations

import base64
import binascii
import enum
import math
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import msgspec
from cryptography.hazmat.primitives.asymmetric import ec

ENDPOINT_MAX = 2048
# Push services accept 4096 bytes of encrypted body; aes128gcm adds 86 bytes of header, a 16-byte
# tag and a padding delimiter. Payloads stay far below that.
MAX_PAYLOAD_BYTES = 3072
TITLE_MAX = 120
NAME_MAX = 80
TOPIC_MAX = 32
DEFAULT_TTL = 12 * 3600
EMERGENCY_TTL = 4 * 3600
MAX_ATTEMPTS = 10
BACKOFF_BASE = timedelta(seconds=10)
BACKOFF_CAP = timedelta(hours=1)
RETRY_AFTER_CAP = timedelta(hours=6)


class Urgency(enum.StrEnum):
    VERY_LOW = "very-low"
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class Outcome(enum.StrEnum):
    DELIVERED = "delivered"
    GONE = "gone"
    RETRY = "retry"
    REJECTED = "rejected"


class Status(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"
    EXPIRED = "expired"
    FAILED = "failed"


def b64url_decode(value: str) -> bytes:
    """Base64url with or without padding; raises ValueError on anything else."""
    if not value or any(c not in B64URL for c in value.rstrip("=")):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not base64url") from None


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def endpoint_problem(endpoint: str, *, allow_http: bool) -> str | None:
    """Why a push endpoint URL is unusable, or None."""
    if len(endpoint) > ENDPOINT_MAX:
        return f"at most {ENDPOINT_MAX} characters"
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return "not a valid URL"
    if port == 0:
        return "has an invalid port"
    if parts.scheme not in ("https", "http"):
        return "must be an https:// URL"
    if parts.scheme == "http" and not allow_http:
        return "must be an https:// URL (plain http is accepted in development mode only)"
    if not parts.hostname:
        return "has no host"
    if parts.username is not None or parts.password is not None:
        return "must not carry credentials"
    if parts.fragment:
        return "must not have a fragment"
    if any(c.isspace() for c in endpoint):
        return "must not contain whitespace"
    return None


def p256dh_problem(value: str) -> str | None:
    """The browser's ECDH public key: a base64url uncompressed P-256 point (65 bytes)."""
    try:
        raw = b64url_decode(value)
    except ValueError:
        return "is not base64url"
    if len(raw) != 65 or raw[0] != 0x04:
        return "must be an uncompressed P-256 point (65 bytes starting with 0x04)"
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        return "is not a point on the P-256 curve"
    return None


def auth_problem(value: str) -> str | None:
    """The browser's authentication secret: 16 bytes, base64url."""
    try:
        raw = b64url_decode(value)
    except ValueError:
        return "is not base64url"
    if len(raw) != 16:
        return f"must be 16 bytes, got {len(raw)}"
    return None


def vapid_audience(endpoint: str) -> str:
    """The origin of the push service (RFC 8292 `aud`): scheme://host[:port], the port only when it
    is not the scheme's default, exactly as the push service compares it."""
    parts = urlsplit(endpoint)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is None or port == {"https": 443, "http": 80}.get(scheme):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def vapid_subject(public_base_url: str) -> str:
    """The contact the push service may use (RFC 8292 `sub`): the site's https URL, else a mailto."""
    parts = urlsplit(public_base_url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and "." in host.strip("."):
        return f"https://{host}"
    if host != "localhost" and ("." not in host or host.endswith(".")):
        host = "localhost"
    return f"mailto:push@{host}"


def delivery_options(priority: str | None) -> tuple[Urgency, int]:
    """Urgency and TTL (seconds) for a work-order notification of the given priority."""
    if priority == "emergency":
        return Urgency.HIGH, EMERGENCY_TTL
    return Urgency.NORMAL, DEFAULT_TTL


def clip(text: str | None, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def topic_for(prefix: str, ident: uuid.UUID) -> str:
    """A Topic header value (≤ 32 base64url characters) so a newer message about the same record
    replaces an undelivered older one at the push service."""
    return (prefix + b64url_encode(ident.bytes))[:TOPIC_MAX]


def work_order_payload(
    *,
    kind: str,
    work_order_id: str,
    number: str | None,
    priority: str | None,
    title: str | None,
    asset_id: str | None,
    asset_code: str | None,
    asset_name: str | None,
) -> dict[str, Any]:
    """What the service worker needs to show and open the work order; unknown parts are left out."""
    payload: dict[str, Any] = {
        "type": kind,
        "work_order_id": work_order_id,
        "number": clip(number, 40) or None,
        "asset": {"id": asset_id, "code": clip(asset_code, 60), "name": clip(asset_name, NAME_MAX)}
        if asset_id
        else None,
        "priority": priority,
        "title": clip(title, TITLE_MAX),
        "url": f"/wo/{work_order_id}",
    }
    return {k: v for k, v in payload.items() if v is not None}


def encode_payload(payload: dict[str, Any]) -> bytes:
    """The JSON sent to the device; refuses anything near the push services' 4 KB limit."""
    body = msgspec.json.encode(payload)
    if len(body) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"push payload of {len(body)} bytes exceeds {MAX_PAYLOAD_BYTES}")
    return body


def classify(status: int) -> Outcome:
    if 200 <= status < 300:
        return Outcome.DELIVERED
    if status in (404, 410):
        return Outcome.GONE
    if status in (408, 425, 429) or status >= 500:
        return Outcome.RETRY
    return Outcome.REJECTED


def parse_retry_after(value: str | None, reference: datetime) -> timedelta | None:
    """Retry-After as delay seconds or an HTTP date (relative to `reference`, the response's Date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(timedelta(seconds=int(value)), RETRY_AFTER_CAP)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max(when - reference, timedelta(0)), RETRY_AFTER_CAP)


def backoff(attempts: int, retry_after: timedelta | None = None) -> timedelta:
    """Delay before attempt `attempts + 1`: 10 s, 20 s, 40 s … capped at an hour, never sooner
    than the push service asked for."""
    exponent = max(attempts - 1, 0)
    delay = BACKOFF_CAP if exponent > 20 else min(BACKOFF_BASE * (2**exponent), BACKOFF_CAP)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


def remaining_ttl(ttl: int, first_attempt_at: datetime | None, now: datetime) -> int:
    """Seconds of the TTL left; the clock starts at the first attempt."""
    if first_attempt_at is None:
        return ttl
    return max(ttl - math.ceil((now - first_attempt_at).total_seconds()), 0)
