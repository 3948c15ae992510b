"""A small reference domain run by the shared vectors and the simulation.

Work orders (per-field merge: `status` by rule, `title`/`priority`/`notes` last-writer-wins,
`reading` surfaced), comments (client-generated ids), stock (deltas into a ledger, overdrafts kept
and flagged), conflicts (resolved by `conflict.resolve@1`), and site scopes (`site:<id>`; a user
sees and writes the sites granted to them). Mutators are written against `RowTx`, so any store
offering those row operations (the in-memory one, or a SQL one for the backend's runs) can host it.

Lock order, to stay free of deadlocks: the one work order or stock row a mutation is about, then
the user row (grants), then child rows (comments, conflicts, ledger entries).
"""

from sync.refdomain._admin import Seed, scope_of_user, seed, set_user_sites
from sync.refdomain._model import (
    STATUS_RULE,
    WORKORDER_FIELDS,
    WORKORDER_POLICY,
    AdjustArgs,
    CommentArgs,
    DeleteArgs,
    EditArgs,
    Empty,
    MoveArgs,
    RefAuth,
    RejectArgs,
    RowTx,
    field_meta,
    field_states,
    scope_for_sites,
    site_scope,
)
from sync.refdomain._mutators import reference_registry, register_reference_domain

__all__ = [
    "STATUS_RULE",
    "WORKORDER_FIELDS",
    "WORKORDER_POLICY",
    "AdjustArgs",
    "CommentArgs",
    "DeleteArgs",
    "EditArgs",
    "Empty",
    "MoveArgs",
    "RefAuth",
    "RejectArgs",
    "RowTx",
    "Seed",
    "field_meta",
    "field_states",
    "reference_registry",
    "register_reference_domain",
    "scope_for_sites",
    "scope_of_user",
    "seed",
    "set_user_sites",
    "site_scope",
]
