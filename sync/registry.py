"""Mutator registration: `name@version` → argument type and an async function run by the engine.

A mutator receives a `MutationContext` (the store transaction, the device's auth, the mutation's
identity) and its arguments decoded and validated by msgspec. It re-checks permissions and
business rules and either returns (applied, optionally with a `Notice` the device shows), raises
`sync.errors.MutationRejected` (recorded as rejected) or `sync.errors.TransientError` (503).

Changing a mutation's arguments or meaning means registering a new version; older versions stay
registered while devices may still hold them queued.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import msgspec

TxT = TypeVar("TxT")
AuthT = TypeVar("AuthT")
ArgsT = TypeVar("ArgsT")
TxT_co = TypeVar("TxT_co", covariant=True)
AuthT_co = TypeVar("AuthT_co", covariant=True)


@dataclass(frozen=True, slots=True)
class MutationContext(Generic[TxT_co, AuthT_co]):
    """What a mutator gets besides its arguments. Read-only, hence covariant: a mutator written
    against a narrower transaction protocol can be registered for any store implementing it."""

    tx: TxT_co
    auth: AuthT_co
    client_id: str
    mutation_id: int
    name: str
    version: int
    client_ts: datetime | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """An applied mutation's remark for the user (e.g. `overdraft`: stock went negative)."""

    code: str
    reason: str


Mutator = Callable[[MutationContext[TxT, AuthT], ArgsT], Awaitable[Notice | None]]


@dataclass(frozen=True, slots=True)
class MutatorSpec(Generic[TxT, AuthT]):
    name: str
    version: int
    args_type: type[Any]
    run: Callable[[MutationContext[TxT, AuthT], Any], Awaitable[Notice | None]]
    decoder: msgspec.json.Decoder[Any]


@dataclass(frozen=True, slots=True)
class UnknownName:
    name: str


@dataclass(frozen=True, slots=True)
class UnsupportedVersion:
    name: str
    version: int
    min_supported: int
    max_supported: int


class MutatorRegistry(Generic[TxT, AuthT]):
    def __init__(self) -> None:
        self._specs: dict[tuple[str, int], MutatorSpec[TxT, AuthT]] = {}
        self._versions: dict[str, list[int]] = {}

    def register(
        self, name: str, version: int, args_type: type[ArgsT], run: Mutator[TxT, AuthT, ArgsT]
    ) -> None:
        if (name, version) in self._specs:
            raise ValueError(f"mutator {name}@{version} registered twice")
        decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(args_type)
        self._specs[(name, version)] = MutatorSpec(name, version, args_type, run, decoder)
        self._versions.setdefault(name, []).append(version)
        self._versions[name].sort()

    def mutator(
        self, name: str, version: int, args_type: type[ArgsT]
    ) -> Callable[[Mutator[TxT, AuthT, ArgsT]], Mutator[TxT, AuthT, ArgsT]]:
        """Decorator form of `register`."""

        def decorate(run: Mutator[TxT, AuthT, ArgsT]) -> Mutator[TxT, AuthT, ArgsT]:
            self.register(name, version, args_type, run)
            return run

        return decorate

    def lookup(self, name: str, version: int) -> MutatorSpec[TxT, AuthT] | UnknownName | UnsupportedVersion:
        spec = self._specs.get((name, version))
        if spec is not None:
            return spec
        versions = self._versions.get(name)
        if not versions:
            return UnknownName(name)
        return UnsupportedVersion(name, version, versions[0], versions[-1])

    def names(self) -> list[str]:
        return sorted(f"{name}@{version}" for name, version in self._specs)
