"""Live nudges: which open event streams a commit concerns.

Each API process (each app) has one `Hub` holding its open `GET /api/sync/events` streams, each
subscribed with its device's scope keys. A commit that filed changes (or changed someone's
grants) names the scope keys it touched:

- PostgreSQL: the committing transaction runs `pg_notify('gemba_sync', keys)`; every process's
  hub LISTENs on one dedicated connection while it has streams, so a write through any replica
  reaches the streams of all of them. A lost listening connection pokes every stream (the
  devices pull and lose nothing) and is re-established with backoff.
- SQLite (one process): the commit hands its keys straight to the hubs of this process.

A poke carries no data; many pokes before a stream wakes up coalesce into one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from typing import Any, Final

from sqlalchemy.engine import URL

from backend.replication.changelog import EVERYONE, NOTIFY_CHANNEL, decode_nudge

log = logging.getLogger("gemba.sync")

_LOCAL: dict[str, set[Hub]] = {}
RECONNECT_SECONDS: Final = (0.5, 1.0, 2.0, 5.0, 10.0)
USER_PREFIX: Final = "user:"


class Subscription:
    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = frozenset(keys)
        self.rescope = False
        """Set when a nudge concerned the subscriber's user (grants or role may have changed)."""
        self.pokes = 0
        """How many commits concerned this stream (many may coalesce into one `poke` event)."""
        self._event = asyncio.Event()
        self._loop = asyncio.get_running_loop()

    @property
    def poked(self) -> bool:
        return self._event.is_set()

    def poke(self, keys: frozenset[str] = frozenset()) -> None:
        """Safe to call from any thread: commits may run outside the stream's event loop."""
        self.pokes += 1
        if EVERYONE in keys or any(k.startswith(USER_PREFIX) for k in keys & self.keys):
            self.rescope = True
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._event.set()
        else:
            self._loop.call_soon_threadsafe(self._event.set)

    async def wait(self, timeout: float) -> bool:
        """True when poked (the pokes so far are consumed), False after `timeout` seconds."""
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        self._event.clear()
        return True


class Hub:
    def __init__(self, database_url: URL) -> None:
        self.url = str(database_url)
        self.dsn = database_url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.postgres = database_url.get_backend_name() == "postgresql"
        self._subs: set[Subscription] = set()
        self._listener: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()
        if not self.postgres:
            _LOCAL.setdefault(self.url, set()).add(self)

    @property
    def subscriptions(self) -> list[Subscription]:
        return list(self._subs)

    def subscribe(self, keys: Iterable[str]) -> Subscription:
        sub = Subscription(keys)
        self._subs.add(sub)
        if self.postgres and (self._listener is None or self._listener.done()):
            self._listener = asyncio.get_running_loop().create_task(self._listen())
        return sub

    async def unsubscribe(self, sub: Subscription) -> None:
        self._subs.discard(sub)
        if not self._subs and self._listener is not None:
            task, self._listener = self._listener, None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def publish(self, keys: Iterable[str]) -> None:
        wanted = frozenset(keys)
        everyone = EVERYONE in wanted
        for sub in list(self._subs):
            if everyone or not sub.keys.isdisjoint(wanted):
                sub.poke(wanted)

    async def close(self) -> None:
        for sub in list(self._subs):
            await self.unsubscribe(sub)
        _LOCAL.get(self.url, set()).discard(self)

    async def _listen(self) -> None:
        import asyncpg  # type: ignore[import-untyped]

        attempt = 0
        while self._subs:
            lost = asyncio.Event()
            conn: Any = None
            try:
                conn = await asyncpg.connect(self.dsn)
                await conn.add_listener(NOTIFY_CHANNEL, self._on_notify)
                conn.add_termination_listener(lambda _c, lost=lost: lost.set())
                self.listening.set()
                attempt = 0
                await lost.wait()
                log.warning("the sync nudge listener lost its connection; reconnecting")
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("the sync nudge listener cannot connect: %s", exc)
            finally:
                self.listening.clear()
                if conn is not None and not conn.is_closed():
                    with contextlib.suppress(Exception):
                        await asyncio.shield(conn.close(timeout=2))
            # Changes may have been missed while not listening: every device pulls once.
            self.publish([EVERYONE])
            await asyncio.sleep(RECONNECT_SECONDS[min(attempt, len(RECONNECT_SECONDS) - 1)])
            attempt += 1

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self.publish(decode_nudge(payload))


def publish_local(database_url: str, keys: Iterable[str]) -> None:
    """A commit in this process (SQLite): poke this process's streams of that database."""
    hubs = _LOCAL.get(database_url)
    if not hubs:
        return
    wanted = frozenset(keys)
    for hub in list(hubs):
        hub.publish(wanted)
