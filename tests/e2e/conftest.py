"""End-to-end fixtures: the real API (uvicorn, fresh migrated SQLite with the demo plant) serving
the built PWA, and Debian's Chromium driven by Playwright. Nothing is built here: `make` builds
`pwa/dist` before the tests run; without it these tests are skipped."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.settings import PROJECT_ROOT

PWA_DIST = PROJECT_ROOT / "pwa" / "dist"
CHROMIUM = Path(os.environ.get("GEMBA_E2E_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}
TABLET = {"width": 1024, "height": 768}
DEMO_PASSWORD = "gemba-demo"
TIMEOUT_MS = 20_000
UVICORN = [sys.executable, "-m", "uvicorn", "backend.app:create_app", "--factory"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare_database(url: str) -> None:
    from backend.db import migrate
    from backend.db.engine import make_engine, make_sessionmaker
    from backend.db.registry import import_all_models
    from backend.demo.seed import seed_demo

    migrate.upgrade(url)

    async def seed() -> None:
        import_all_models()
        engine = make_engine(url)
        try:
            async with make_sessionmaker(engine)() as session:
                await seed_demo(session)
                await session.commit()
        finally:
            await engine.dispose()

    asyncio.run(seed())


class Server:
    """A running API on 127.0.0.1 with the demo plant, and a tiny client for arranging data."""

    def __init__(self, url: str) -> None:
        self.url = url

    def token(self, username: str = "tech.north") -> str:
        answer = httpx.post(
            f"{self.url}/api/auth/login",
            json={"username": username, "password": DEMO_PASSWORD, "device_name": "e2e arranger"},
            timeout=10,
        )
        answer.raise_for_status()
        return str(answer.json()["token"])

    def get(self, path: str, token: str) -> httpx.Response:
        answer = httpx.get(f"{self.url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        answer.raise_for_status()
        return answer

    def post(self, path: str, token: str, body: Any) -> Any:
        answer = httpx.post(
            f"{self.url}{path}", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        answer.raise_for_status()
        return answer.json()

    def site(self, code: str, token: str) -> dict[str, Any]:
        return next(s for s in self.get("/api/sites/", token).json() if s["code"] == code)

    def asset(self, code: str, token: str) -> dict[str, Any]:
        rows = self.get(f"/api/assets/?q={code}", token).json()
        return next(row for row in rows if row["code"] == code)


@pytest.fixture(scope="session")
def pwa_dist() -> Path:
    if not (PWA_DIST / "index.html").is_file() or not (PWA_DIST / "sw.js").is_file():
        pytest.skip("pwa/dist is missing: build the PWA first (`make pwa`; CI builds it)")
    return PWA_DIST


@pytest.fixture(scope="session")
def server(pwa_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    workdir = tmp_path_factory.mktemp("e2e-server")
    db_url = f"sqlite+aiosqlite:///{workdir / 'gemba.db'}"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GEMBA_")},
        "GEMBA_DATABASE_URL": db_url,
        "GEMBA_PWA_DIR": str(pwa_dist),
        "GEMBA_PUBLIC_BASE_URL": url,
        "GEMBA_ATTACHMENTS_DIR": str(workdir / "attachments"),
        "GEMBA_BACKGROUND_JOBS": "false",
        "GEMBA_LOG_LEVEL": "warning",
        "GEMBA_LOGIN_ATTEMPTS_PER_MINUTE": "1000",
    }
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*UVICORN, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            # The database is prepared while the server imports; in a thread of its own, because
            # Playwright's sync API may already run an event loop in this one.
            with ThreadPoolExecutor(max_workers=1) as pool:
                pool.submit(_prepare_database, db_url).result()
            _wait_healthy(url, process, log_path)
            yield Server(url)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the API exited with {process.returncode}:\n{log_path.read_text()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    pytest.fail(f"the API did not answer on {url} within 30 s:\n{log_path.read_text()}")


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (`make system-deps`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


LaunchBrowser = Callable[..., Any]


@pytest.fixture(scope="session")
def launch_browser(playwright_instance: Any) -> Iterator[LaunchBrowser]:
    """Starts a Chromium with the standard flags plus any extra ones (fake camera …)."""
    started: list[Any] = []

    def launch(*extra_args: str) -> Any:
        browser = playwright_instance.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, *extra_args]
        )
        started.append(browser)
        return browser

    yield launch
    for browser in started:
        with contextlib.suppress(Exception):
            browser.close()


@pytest.fixture(scope="session")
def browser(launch_browser: LaunchBrowser) -> Any:
    return launch_browser()


@pytest.fixture
def new_context(browser: Any, server: Server) -> Iterator[Callable[..., Any]]:
    """Browser contexts (fresh profiles) at phone size unless told otherwise; closed after the test."""
    contexts: list[Any] = []

    def make(target: Any = None, **options: Any) -> Any:
        options.setdefault("viewport", PHONE)
        options.setdefault("base_url", server.url)
        context = (target or browser).new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        with contextlib.suppress(Exception):
            context.close()


@pytest.fixture
def persistent_context(
    playwright_instance: Any, server: Server, tmp_path: Path
) -> Iterator[Callable[..., Any]]:
    """A browser with a profile on disk: closing it and launching it again with the same profile
    is a browser restart that keeps IndexedDB, the service worker and its caches."""
    opened: list[Any] = []
    profile = tmp_path / "profile"

    def launch(**options: Any) -> Any:
        options.setdefault("viewport", PHONE)
        options.setdefault("base_url", server.url)
        context = playwright_instance.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        opened.append(context)
        return context

    yield launch
    for context in opened:
        with contextlib.suppress(Exception):
            context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
