"""File types come from the bytes; names are cleaned and follow the real type."""

from __future__ import annotations

import pytest

from backend.domain.maintenance.sniff import safe_filename, sniff

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (PNG, "image/png"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "image/heic"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00", "image/heic"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"hello, this is text", None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        (b"\x00\x00\x00\x18ftypisom", None),
        (b"", None),
    ],
)
def test_the_type_is_read_from_the_magic_bytes(head: bytes, expected: str | None) -> None:
    assert sniff(head) == expected


def test_the_extension_follows_the_bytes_not_the_name() -> None:
    assert safe_filename("pump.jpg", "image/png") == "pump.png"


def test_directories_and_odd_characters_are_dropped_from_names() -> None:
    assert safe_filename("../../etc/pass<wd>.pdf", "application/pdf") == "passwd.pdf"
    assert safe_filename(None, "image/jpeg") == "attachment.jpg"
