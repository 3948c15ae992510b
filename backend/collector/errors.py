"""Errors the collector raises."""

from __future__ import annotations


class ConfigError(ValueError):
    """The collector config is invalid; the message names the key path and the line."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
