"""Structural comparison of JSON values, with `"*"` matching anything."""

from __future__ import annotations

from typing import Any

ANY = "*"


def compare(expected: Any, actual: Any, path: str = "$") -> list[str]:
    """Structural JSON comparison; the string `"*"` in `expected` matches anything."""
    if expected == ANY:
        return []
    if isinstance(expected, dict) and isinstance(actual, dict):
        problems = [f"{path}.{k}: missing" for k in expected if k not in actual]
        problems += [f"{path}.{k}: unexpected" for k in actual if k not in expected]
        for key in expected.keys() & actual.keys():
            problems += compare(expected[key], actual[key], f"{path}.{key}")
        return problems
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: expected {len(expected)} items, got {len(actual)}: {actual!r}"]
        return [
            p
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for p in compare(e, a, f"{path}[{i}]")
        ]
    same_kind = isinstance(expected, bool) == isinstance(actual, bool)
    if same_kind and expected == actual:
        return []
    return [f"{path}: expected {expected!r}, got {actual!r}"]
