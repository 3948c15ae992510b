"""Health check: 200 when the database answers, 503 otherwise."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.datastructures import State
from sqlalchemy import text


class HealthController(Controller):
    path = "/health"
    tags = ["health"]

    @get("/", exclude_from_auth=True)
    async def health(self, state: State) -> Response[dict[str, Any]]:
        try:
            async with state.session_maker() as session:
                await session.execute(text("SELECT 1"))
        except Exception as exc:  # any failure to reach the database is "unhealthy"
            return Response({"status": "unavailable", "database": str(exc)[:200]}, status_code=503)
        return Response({"status": "ok", "database": "ok"})
