"""Content types judged from the first bytes of a file, never from its name or declared type."""

from __future__ import annotations

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}

ACCEPTED = ("image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf")

_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "application/pdf": ".pdf",
}


def sniff(head: bytes) -> str | None:
    """The accepted content type the bytes start with, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "image/heic"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def safe_filename(name: str | None, content_type: str) -> str:
    """A display name without directories or control characters, its extension matching the bytes."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?').strip(" .")[:200]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem or 'attachment'}{_EXTENSIONS[content_type]}"
