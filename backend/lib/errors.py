"""Domain errors and their RFC 9457 problem-details rendering.

Services raise these; the app maps them (and Litestar's own errors) to
`application/problem+json` answers that name the failing field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec


class FieldError(msgspec.Struct, frozen=True):
    field: str
    reason: str


class DomainError(Exception):
    status = 400
    type_slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, *, errors: Sequence[FieldError] = (), **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors)
        self.extra = extra


class ValidationFailed(DomainError):
    status = 422
    type_slug = "validation-failed"
    title = "Validation failed"

    def __init__(self, field: str, reason: str, **extra: Any) -> None:
        super().__init__(f"{field}: {reason}", errors=[FieldError(field, reason)], **extra)


class NotFound(DomainError):
    status = 404
    type_slug = "not-found"
    title = "Not found"


class Conflict(DomainError):
    status = 409
    type_slug = "conflict"
    title = "Conflict"


class IllegalTransition(Conflict):
    type_slug = "illegal-transition"
    title = "Illegal state transition"

    def __init__(self, entity: str, current: str, wanted: str) -> None:
        super().__init__(
            f"{entity} cannot go from '{current}' to '{wanted}'",
            errors=[FieldError("status", f"'{current}' cannot become '{wanted}'")],
            current=current,
            wanted=wanted,
        )


class Forbidden(DomainError):
    status = 403
    type_slug = "forbidden"
    title = "Forbidden"


class Unauthorized(DomainError):
    status = 401
    type_slug = "unauthorized"
    title = "Authentication required"


class TooManyRequests(DomainError):
    status = 429
    type_slug = "too-many-requests"
    title = "Too many requests"


class Unavailable(DomainError):
    """A transient failure: nothing was applied and the client may retry."""

    status = 503
    type_slug = "unavailable"
    title = "Service temporarily unavailable"


def problem_body(
    *,
    status: int,
    title: str,
    detail: str,
    type_slug: str,
    instance: str | None = None,
    errors: Sequence[FieldError] = (),
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"https://gemba.dev/problems/{type_slug}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = [{"field": e.field, "reason": e.reason} for e in errors]
    if extra:
        body.update(extra)
    return body
