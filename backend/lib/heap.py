"""Keeping the cyclic garbage collector off what a long-running process built at start-up."""

from __future__ import annotations

import gc

_frozen = False


def freeze_startup_heap() -> None:
    """Once per process, when its service starts: what start-up built (models, metadata, routes,
    protocol type tables) lives as long as the process, so the collector stops scanning it.
    Without this every full collection walks it again: milliseconds per ingest batch."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()
