"""Background jobs of the API process, collected from each context's `jobs.py` (`JOBS` list).

Each job is `job(app) -> async context manager`: started with the app, stopped with it. They
stay correct with several replicas because they claim work through the database.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

import backend.domain

Job = Callable[[Any], Any]


def discover_jobs() -> list[Job]:
    jobs: list[Job] = []
    names = [
        f"backend.domain.{info.name}.jobs"
        for info in sorted(pkgutil.iter_modules(backend.domain.__path__), key=lambda i: i.name)
    ]
    for name in [*names, "backend.replication.jobs"]:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        jobs.extend(getattr(module, "JOBS", []))
    return jobs
