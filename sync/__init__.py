"""The Gemba sync protocol, pure: wire messages, merge rules, cursor logic, the push/pull engine.

This package imports only the standard library and msgspec. The backend mounts it as HTTP
endpoints and implements `sync.store.Store` on its database; the PWA implements the client side
from `sync/PROTOCOL.md` and the shared vectors in `sync/vectors/`.
"""

from sync.messages import PROTOCOL_VERSION

__all__ = ["PROTOCOL_VERSION"]
