"""Every 4xx/5xx as RFC 9457 problem details, naming the failing field where there is one."""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from backend.lib.errors import DomainError, FieldError, problem_body

log = logging.getLogger("gemba.errors")
PROBLEM = "application/problem+json"
_AT = re.compile(r"at `\$\.?([^`]*)`")
_UNKNOWN = re.compile(r"unknown field `([^`]+)`")
_MISSING = re.compile(r"missing required field `([^`]+)`")


def _respond(
    request: Request[Any, Any, Any], body: dict[str, Any], headers: dict[str, str] | None = None
) -> Response[Any]:
    return Response(content=body, status_code=body["status"], media_type=PROBLEM, headers=headers)


def _field_errors_from_message(message: str, key: str | None) -> FieldError:
    field = key or ""
    m = _UNKNOWN.search(message) or _MISSING.search(message)
    at = _AT.search(message)
    if at and at.group(1):
        field = at.group(1)
        if m and m.group(1) not in field.split("."):
            field = f"{field}.{m.group(1)}"
    elif m:
        field = m.group(1)
    reason = _AT.sub("", message).strip().rstrip("-").strip()
    if _UNKNOWN.search(message):
        reason = "unknown field (not accepted)"
    return FieldError(field or "body", reason)


def domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    headers = {"Retry-After": str(exc.extra["retry_after"])} if "retry_after" in exc.extra else None
    body = problem_body(
        status=exc.status,
        title=exc.title,
        detail=exc.detail,
        type_slug=exc.type_slug,
        instance=request.url.path,
        errors=exc.errors,
        extra=exc.extra,
    )
    return _respond(request, body, headers)


def validation_handler(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    errors: list[FieldError] = []
    extra = exc.extra if isinstance(exc.extra, list) else [exc.extra] if exc.extra else []
    for item in extra:
        if isinstance(item, dict):
            errors.append(_field_errors_from_message(str(item.get("message", "")), item.get("key")))
    if not errors:
        errors.append(_field_errors_from_message(exc.detail, None))
    detail = "; ".join(f"{e.field}: {e.reason}" for e in errors)
    body = problem_body(
        status=400,
        title="Invalid request",
        detail=detail,
        type_slug="invalid-request",
        instance=request.url.path,
        errors=errors,
    )
    return _respond(request, body)


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    title = {401: "Authentication required", 403: "Forbidden", 404: "Not found", 405: "Method not allowed"}
    body = problem_body(
        status=exc.status_code,
        title=title.get(exc.status_code, "Error"),
        detail=exc.detail,
        type_slug="http-" + str(exc.status_code),
        instance=request.url.path,
    )
    return _respond(request, body, dict(exc.headers or {}))


def not_authorized_handler(request: Request[Any, Any, Any], exc: NotAuthorizedException) -> Response[Any]:
    body = problem_body(
        status=401,
        title="Authentication required",
        detail=exc.detail or "a valid bearer token is required",
        type_slug="unauthorized",
        instance=request.url.path,
    )
    return _respond(request, body, {"WWW-Authenticate": "Bearer"})


def integrity_handler(request: Request[Any, Any, Any], exc: IntegrityError) -> Response[Any]:
    log.info("integrity error on %s: %s", request.url.path, exc.orig)
    body = problem_body(
        status=409,
        title="Conflict",
        detail="the change conflicts with existing data (a unique or reference rule)",
        type_slug="conflict",
        instance=request.url.path,
    )
    return _respond(request, body)


def database_unavailable_handler(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[Any]:
    log.warning("database error on %s: %s", request.url.path, exc)
    body = problem_body(
        status=503,
        title="Service temporarily unavailable",
        detail="the database did not answer; nothing was applied, retry later",
        type_slug="unavailable",
        instance=request.url.path,
    )
    return _respond(request, body, {"Retry-After": "5"})


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    body = problem_body(
        status=500,
        title="Internal server error",
        detail="an unexpected error occurred; it has been logged",
        type_slug="internal",
        instance=request.url.path,
    )
    return _respond(request, body)


exception_handlers: dict[Any, Any] = {
    DomainError: domain_error_handler,
    ValidationException: validation_handler,
    NotAuthorizedException: not_authorized_handler,
    HTTPException: http_error_handler,
    IntegrityError: integrity_handler,
    OperationalError: database_unavailable_handler,
    DBAPIError: database_unavailable_handler,
    Exception: internal_error_handler,
}

__all__ = ["PROBLEM", "MediaType", "exception_handlers"]
