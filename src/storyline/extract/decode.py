"""Bytes to text: refuse what is not text, find the encoding of what is.

Steps, first that succeeds wins:

1. a byte-order mark (UTF-8, UTF-16, UTF-32);
1b. BOM-less UTF-16, recognised by a NUL in every other byte of mostly-Latin text;
2. the charset the source declared (HTTP header, ``<meta charset>``), if Python knows it and the
   bytes decode with it;
3. strict UTF-8;
4. charset-normalizer's best guess, accepted only when it finds the text coherent.

Empty input, binary data (more than ``max_control_ratio`` of control bytes, NUL counted) and bytes
no step can decode raise typed errors so the caller records a Failure instead of storing mojibake.
A few stray NUL or control bytes in otherwise textual input do not make it binary: the caller
removes them with :func:`strip_stray_controls` and records a warning on the article.
"""

from __future__ import annotations

import codecs
import re

from storyline.errors import BinaryInputError, DecodeError, EmptyInputError

__all__ = ["declared_charset", "decode_bytes", "strip_stray_controls"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_ALLOWED_CONTROL = {9, 10, 12, 13}
# every byte/character that is not a disallowed control: deleting these leaves the controls to count
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b >= 32 or b in _ALLOWED_CONTROL)
_CONTROL_CHARS = re.compile("[" + "".join(f"\\x{c:02x}" for c in range(32) if c not in _ALLOWED_CONTROL) + "]")


def declared_charset(content: bytes) -> str | None:
    """Return the charset an HTML document declares in its first 4 KB, if any.

    >>> declared_charset(b'<html><head><meta charset="iso-8859-1">')
    'iso-8859-1'
    """
    match = _META_CHARSET.search(content[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def _looks_binary(content: bytes, max_control_ratio: float) -> bool:
    # NULs count like any control byte: a stray one in a text is noise to remove, not proof of binary
    # data (images, archives and compressed data are ~10% control bytes, text ~0%)
    sample = content[:65536]
    controls = len(sample.translate(None, _NOT_CONTROL_BYTES))  # counted in C: this runs on every input
    return controls / max(len(sample), 1) > max_control_ratio


def strip_stray_controls(text: str) -> tuple[str, int]:
    """Remove control characters other than tab, newline, form feed and carriage return; return how many.

    >>> strip_stray_controls("Valmora\\x00 port\\x07 strike")
    ('Valmora port strike', 2)
    """
    return _CONTROL_CHARS.subn("", text)


def _utf16_without_bom(content: bytes, max_control_ratio: float) -> tuple[str, str] | None:
    """Decode BOM-less UTF-16 (Windows exports): mostly-Latin text has a NUL in every other byte.

    Without this step the NULs would make the text look binary.
    """
    sample = content[: 65536 - 65536 % 2]
    half = len(sample) // 2
    if half < 8 or len(content) % 2:
        return None
    even, odd = sample[0::2].count(0) / half, sample[1::2].count(0) / half
    encoding = "utf-16-le" if odd > 0.7 and even < 0.05 else "utf-16-be" if even > 0.7 and odd < 0.05 else None
    if encoding is None:
        return None
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError:
        return None
    controls = len(_CONTROL_CHARS.findall(text, 0, 32768))
    return (text, encoding) if controls / max(len(text[:32768]), 1) <= max_control_ratio else None


def decode_bytes(
    content: bytes,
    *,
    origin: str,
    declared: str | None = None,
    max_control_ratio: float = 0.05,
) -> tuple[str, str]:
    """Decode ``content`` to text.

    Args:
        content: the raw bytes.
        origin: where the bytes came from, for error messages.
        declared: a charset the source declared, tried before guessing.
        max_control_ratio: share of control bytes above which the content counts as binary.

    Returns:
        ``(text, encoding)``; ``encoding`` names how the text was decoded.

    Raises:
        EmptyInputError: no bytes, or only whitespace.
        BinaryInputError: the bytes are not text.
        DecodeError: no encoding fits.
    """
    if not content.strip():
        raise EmptyInputError(f"{origin}: input is empty ({len(content)} bytes)", origin=origin)
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            try:
                return content.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise DecodeError(f"{origin}: byte-order mark says {encoding} but decoding failed: {exc}",
                                  origin=origin) from exc
    utf16 = _utf16_without_bom(content, max_control_ratio)
    if utf16 is not None:
        return utf16
    binary = BinaryInputError(f"{origin}: binary data, not text or HTML (NUL or control bytes); convert it to "
                              "text first", origin=origin)
    if _looks_binary(content, max_control_ratio):
        raise binary
    candidates = [declared] if declared else []
    for encoding in [*candidates, "utf-8"]:
        try:
            codecs.lookup(encoding)
            return content.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            continue
    if content.translate(None, _NOT_CONTROL_BYTES):
        # stray control bytes are forgiven only in text that decodes as it says (or as UTF-8):
        # guessing an encoding for bytes with controls in them would turn binary data into "text"
        raise binary
    return _guess(content, origin)


def _guess(content: bytes, origin: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(content).best()
    if best is None or best.chaos > 0.2:
        raise DecodeError(
            f"{origin}: not valid UTF-8 and no other text encoding fits; re-save the file as UTF-8",
            origin=origin,
        )
    return str(best), best.encoding
