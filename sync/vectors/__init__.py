"""Shared test vectors: JSON cases that the Python server and the TypeScript client both run.

Files (each begins with an `about` that explains its format):

- `merge.json`: per-field merge decisions and conflict records;
- `ledger.json`: counter deltas, retries and overdrafts;
- `cursor.json`: cursor tokens, where a pull resumes, page cutting, scope diffs (server side);
- `client.json`: staging and revealing pull pages, outbox bookkeeping (client side);
- `transcripts.json`: push/pull exchanges against the reference domain (`sync.refdomain`):
  request bodies and the exact answers (status and body; `"*"` matches any value). A client can
  use them as a scripted server; a server must produce them.

`sync.vectors.runners` runs each kind against the Python implementation;
`sync.vectors.transcript` plays the exchanges against any `sync.simulation.SimTarget`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import msgspec

DIRECTORY: Final = Path(__file__).parent
FILES: Final = ("merge", "ledger", "cursor", "client", "transcripts")


def load(name: str) -> dict[str, Any]:
    if name not in FILES:
        raise KeyError(f"no vector file {name!r}")
    document: dict[str, Any] = msgspec.json.decode((DIRECTORY / f"{name}.json").read_bytes())
    return document


def cases(name: str, section: str = "cases") -> list[dict[str, Any]]:
    """The cases of one section of a vector file (every section is a list of objects)."""
    section_cases: list[dict[str, Any]] = load(name)[section]
    return section_cases


def case_id(case: dict[str, Any]) -> str:
    return str(case.get("name", "case"))
