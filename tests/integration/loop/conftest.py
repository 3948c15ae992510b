"""Fixtures of the loop tests: the local Web Push service (a real one, on loopback)."""

from __future__ import annotations

from tests.support.push_service import push_service

__all__ = ["push_service"]
