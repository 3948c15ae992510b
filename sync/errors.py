"""Exceptions a mutator (or a store) raises to tell the engine what kind of failure happened.

- `MutationRejected`: a business or permission refusal. Permanent: the mutation is recorded as
  rejected with `code` and `reason` (shown to the user) and the device's queue moves on.
- `TransientError`: the server could not decide now (lock timeout, serialization failure, a
  dependency down). Nothing is applied; the device retries the same mutation later.

Any other exception is a server bug: it propagates (HTTP 500), nothing is applied, and the
device retries with backoff, so a fixed deploy unblocks the queue without losing the intent.
"""

from __future__ import annotations


class MutationRejected(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


class TransientError(Exception):
    def __init__(self, message: str = "temporarily unavailable", retry_after_ms: int = 1000) -> None:
        super().__init__(message)
        self.retry_after_ms = retry_after_ms


class BaseVersionFromFuture(MutationRejected):
    """An edit claims a base version the row never had: the device is confused or lying."""

    def __init__(self, field: str, base_version: int, row_version: int) -> None:
        super().__init__(
            "bad_base_version",
            f"field {field!r} edited from version {base_version}, but the row is only at {row_version}",
        )
