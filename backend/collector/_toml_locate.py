"""Find the line of a key path (``sources[1].tags[0].deadband``) in TOML text.

A small scanner, not a parser: it follows ``[table]`` and ``[[array.of.tables]]`` headers and
``key = value`` lines, which is how collector configs are written. Keys inside inline tables fall
back to the first line after their table that mentions the key.
"""

from __future__ import annotations

import re

PathPart = str | int
_KEY = re.compile(r'^\s*([A-Za-z0-9_\-]+(?:\s*\.\s*[A-Za-z0-9_\-]+)*|"[^"]*")\s*=')


def _split(name: str) -> list[str]:
    return [p.strip().strip('"') for p in name.split(".")]


def _strip_comment(line: str) -> str:
    in_str: str | None = None
    for i, ch in enumerate(line):
        if in_str:
            if ch == in_str:
                in_str = None
        elif ch in "\"'":
            in_str = ch
        elif ch == "#":
            return line[:i]
    return line


def index_lines(text: str) -> tuple[dict[tuple[PathPart, ...], int], list[str]]:
    """Map each table and key path found in ``text`` to its first line (1-based)."""
    found: dict[tuple[PathPart, ...], int] = {}
    counters: dict[tuple[PathPart, ...], int] = {}
    current: tuple[PathPart, ...] = ()
    lines = text.splitlines()

    def resolve(parts: list[str]) -> tuple[PathPart, ...]:
        out: tuple[PathPart, ...] = ()
        for part in parts:
            out = (*out, part)
            if out in counters:
                out = (*out, counters[out])
        return out

    for lineno, raw in enumerate(lines, 1):
        line = _strip_comment(raw).strip()
        if line.startswith("[["):
            parts = _split(line[2 : line.find("]]")])
            base = (*resolve(parts[:-1]), parts[-1])
            counters[base] = counters.get(base, -1) + 1
            current = (*base, counters[base])
            found.setdefault(current, lineno)
        elif line.startswith("["):
            current = resolve(_split(line[1 : line.find("]")]))
            found.setdefault(current, lineno)
        else:
            match = _KEY.match(line)
            if match:
                found.setdefault((*current, *_split(match.group(1))), lineno)
    return found, lines


def find_line(text: str, path: tuple[PathPart, ...]) -> int | None:
    """Line of ``path``, else of the nearest enclosing table or key that can be found."""
    found, lines = index_lines(text)
    if path in found:
        return found[path]
    for cut in range(len(path) - 1, 0, -1):
        prefix = path[:cut]
        if prefix in found:
            start = found[prefix]
            key = next((p for p in reversed(path) if isinstance(p, str)), None)
            if key is not None:
                pattern = re.compile(rf'(^|[\s{{,])"?{re.escape(key)}"?\s*=')
                for lineno in range(start, len(lines) + 1):
                    if lineno > start and lines[lineno - 1].lstrip().startswith("["):
                        break
                    if pattern.search(_strip_comment(lines[lineno - 1])):
                        return lineno
            return start
    return None


def format_path(path: tuple[PathPart, ...]) -> str:
    """``("sources", 1, "host")`` → ``sources[1].host``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def parse_msgspec_path(text: str) -> tuple[PathPart, ...]:
    """``$.sources[1].tags[0]`` → ``("sources", 1, "tags", 0)``."""
    parts: list[PathPart] = []
    for name, index in re.findall(r"\.([A-Za-z0-9_\-]+)|\[(\d+)\]", text.removeprefix("$")):
        parts.append(name if name else int(index))
    return tuple(parts)
