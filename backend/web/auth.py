"""Bearer-token authentication for every route but the public ones, and role guards."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.base import DefineMiddleware
from sqlalchemy.ext.asyncio import async_sessionmaker

from backend.domain.people import services as people
from backend.domain.people.roles import Actor, Role

# Besides these, only handlers marked `exclude_from_auth=True` answer without a token:
# health, login and the PWA's static files.
PUBLIC_PATHS = [r"^/schema"]


class TokenAuthMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            token = connection.query_params.get("access_token", "") if _allows_query_token(connection) else ""
        if not token:
            raise NotAuthorizedException("a bearer token is required")
        maker: async_sessionmaker[Any] = connection.app.state.session_maker
        async with maker() as session:
            actor = await people.authenticate(session, connection.app.state.clock, token.strip())
            await session.commit()
        if actor is None:
            raise NotAuthorizedException("the token is unknown, revoked or its user is inactive")
        return AuthenticationResult(user=actor, auth=token)


def _allows_query_token(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    # EventSource cannot set headers; only streaming endpoints accept ?access_token=.
    return connection.url.path.endswith("/events")


def auth_middleware() -> DefineMiddleware:
    return DefineMiddleware(TokenAuthMiddleware, exclude=PUBLIC_PATHS)


def requires(*roles: Role) -> Any:
    """A Litestar guard admitting only the given roles."""
    allowed = frozenset(roles)

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        actor = connection.user
        if not isinstance(actor, Actor) or actor.role not in allowed:
            raise PermissionDeniedException(f"this needs one of the roles: {', '.join(sorted(allowed))}")

    return guard
