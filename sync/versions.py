"""Version negotiation: which protocol and schema versions a server accepts, and the 426 answers.

- protocol version outside `[protocol_min, protocol_max]` → 426 `kind="protocol"` on push and pull;
  nothing is processed (the body may not even be readable).
- schema version outside `[schema_min, schema_max]` → 426 `kind="schema"` on **pull** only. A push
  from an old app is still processed: each mutation is accepted as long as its `name@version` is
  registered, so an outbox is never stranded by an app update.
- mutation version not registered → 426 `kind="mutation"` for that mutation (see the engine).
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.messages import PROTOCOL_VERSION, VersionKind, VersionNotSupported


@dataclass(frozen=True, slots=True)
class VersionPolicy:
    schema_version: int
    """The schema version this server speaks (sent in every answer)."""
    schema_min: int
    protocol_min: int = PROTOCOL_VERSION
    protocol_max: int = PROTOCOL_VERSION

    def __post_init__(self) -> None:
        if not (self.schema_min <= self.schema_version and self.protocol_min <= self.protocol_max):
            raise ValueError("empty version range")

    @property
    def protocol_version(self) -> int:
        return self.protocol_max

    def check_protocol(self, got: int) -> VersionNotSupported | None:
        if self.protocol_min <= got <= self.protocol_max:
            return None
        return self.refuse("protocol", got, self.protocol_min, self.protocol_max)

    def check_schema(self, got: int) -> VersionNotSupported | None:
        if self.schema_min <= got <= self.schema_version:
            return None
        return self.refuse("schema", got, self.schema_min, self.schema_version)

    def refuse(
        self, kind: VersionKind, got: int, low: int, high: int, *, name: str | None = None
    ) -> VersionNotSupported:
        side = "update the app" if got < low else "this server is older than the app; retry later"
        what = f"{kind} version {got}" if name is None else f"mutation {name}@{got}"
        return VersionNotSupported(
            protocol_version=self.protocol_version,
            schema_version=self.schema_version,
            kind=kind,
            got=got,
            min_supported=low,
            max_supported=high,
            name=name,
            message=f"{what} is not supported (supported: {low}..{high}); {side}",
        )
