"""Machine facts from PLC data: state changes (run bit, faults, communication loss), count deltas,
and the raw signal values kept for condition rules — stored once, idempotently, per collector batch."""
