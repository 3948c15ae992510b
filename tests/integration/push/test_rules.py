"""Pure Web Push rules: the VAPID audience, subscription key checks, payload size, retry timing."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given
from hypothesis import strategies as st

from backend.domain.push import rules


def test_the_audience_keeps_a_non_default_port_and_drops_a_default_one() -> None:
    assert rules.vapid_audience("http://127.0.0.1:48123/push/abc") == "http://127.0.0.1:48123"
    assert rules.vapid_audience("https://fcm.googleapis.com:443/fcm/send/x") == "https://fcm.googleapis.com"
    assert rules.vapid_audience("https://push.example.com:8443/p?x=1") == "https://push.example.com:8443"
    assert rules.vapid_audience("https://[2001:db8::1]:9000/p") == "https://[2001:db8::1]:9000"


def test_a_p256dh_that_is_not_a_curve_point_is_refused() -> None:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    good = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    assert rules.p256dh_problem(rules.b64url_encode(good)) is None
    assert (
        rules.p256dh_problem(rules.b64url_encode(b"\x04" + bytes(64))) == "is not a point on the P-256 curve"
    )
    assert "65 bytes" in (rules.p256dh_problem(rules.b64url_encode(good[:33])) or "")
    assert rules.p256dh_problem("not base64!") == "is not base64url"


def test_an_auth_secret_must_be_sixteen_bytes() -> None:
    assert rules.auth_problem(rules.b64url_encode(os.urandom(16))) is None
    assert rules.auth_problem(rules.b64url_encode(os.urandom(12))) == "must be 16 bytes, got 12"


def test_plain_http_endpoints_are_for_development_only() -> None:
    assert rules.endpoint_problem("http://127.0.0.1:9/push/1", allow_http=True) is None
    assert "https" in (rules.endpoint_problem("http://127.0.0.1:9/push/1", allow_http=False) or "")
    assert rules.endpoint_problem("ftp://push.example.com/1", allow_http=True) == "must be an https:// URL"
    assert rules.endpoint_problem("https://user:pw@push.example.com/1", allow_http=False) == (
        "must not carry credentials"
    )


@given(
    title=st.text(max_size=20_000),
    name=st.text(max_size=5_000),
    code=st.text(max_size=500),
    number=st.text(max_size=500),
)
def test_no_work_order_payload_comes_near_the_four_kilobyte_limit(
    title: str, name: str, code: str, number: str
) -> None:
    payload = rules.work_order_payload(
        kind="work_order.assigned",
        work_order_id="0190a8e2-0000-7000-8000-000000000000",
        number=number,
        priority="emergency",
        title=title,
        asset_id="0190a8e2-0000-7000-8000-000000000001",
        asset_code=code,
        asset_name=name,
    )
    assert len(rules.encode_payload(payload)) <= rules.MAX_PAYLOAD_BYTES
    assert len(payload["title"]) <= rules.TITLE_MAX


def test_backoff_doubles_up_to_an_hour_and_never_undercuts_retry_after() -> None:
    assert [rules.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert rules.backoff(50) == timedelta(hours=1)
    assert rules.backoff(1, timedelta(seconds=90)) == timedelta(seconds=90)
    assert rules.backoff(4, timedelta(seconds=5)) == timedelta(seconds=80)


def test_retry_after_is_read_as_seconds_or_as_a_date_relative_to_the_response() -> None:
    date = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert rules.parse_retry_after("120", date) == timedelta(seconds=120)
    assert rules.parse_retry_after("Mon, 02 Mar 2026 08:05:00 GMT", date) == timedelta(minutes=5)
    assert rules.parse_retry_after("soon", date) is None
    assert rules.parse_retry_after("999999", date) == rules.RETRY_AFTER_CAP


def test_emergencies_are_urgent_and_every_notification_has_a_ttl() -> None:
    assert rules.delivery_options("emergency") == (rules.Urgency.HIGH, rules.EMERGENCY_TTL)
    assert rules.delivery_options("low") == (rules.Urgency.NORMAL, rules.DEFAULT_TTL)


def test_the_vapid_contact_is_one_push_services_accept() -> None:
    assert rules.vapid_subject("https://gemba.example.com:8443") == "https://gemba.example.com"
    assert rules.vapid_subject("http://127.0.0.1:8000") == "mailto:push@127.0.0.1"
    assert rules.vapid_subject("http://gemba:8000") == "mailto:push@localhost"
