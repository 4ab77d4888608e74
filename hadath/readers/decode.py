"""Bytes to text: encoding detection for Arabic news files.

Arabic sites and archives still serve windows-1256 and UTF-16 next to
UTF-8.  Order of trust: a byte-order mark; strict UTF-8; UTF-16 recognised
by its NUL pattern; UTF-8 cut mid-character or with a few corrupt bytes;
windows-1256 when the result is mostly Arabic letters;
charset-normalizer for everything else.  Binary data (NULs outside UTF-16,
many control bytes) is refused with a clear error instead of being guessed.
"""

from __future__ import annotations

import codecs


class DecodeError(ValueError):
    """The bytes are not text hadath can read."""


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _arabic_share(text: str) -> float:
    letters = [c for c in text[:20000] if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if "\u0600" <= c <= "\u06ff") / len(letters)


def _looks_utf16(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / (len(sample) / 2)
    odd_nuls = sample[1::2].count(0) / (len(sample) / 2)
    # Arabic in UTF-16 has 0x06 high bytes rather than NULs; count both.
    even_06 = sample[0::2].count(6) / (len(sample) / 2)
    odd_06 = sample[1::2].count(6) / (len(sample) / 2)
    if odd_nuls + odd_06 > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls + even_06 > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _control_share(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(1 for c in sample if (c < " " and c not in "\t\n\r\f") or "\ufff0" <= c)
    return bad / len(sample)


def _damaged_utf8(data: bytes, exc: UnicodeDecodeError) -> tuple[str, str] | None:
    """UTF-8 cut mid-character or with a few corrupt bytes, read as UTF-8.

    Without this, such a file fails strict UTF-8 and its Arabic bytes
    (0xD8/0xD9 lead bytes) then pass the windows-1256 test as mojibake.
    """
    if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
        try:  # a download cut inside the last character: drop the partial bytes
            return data[:exc.start].decode("utf-8"), "utf-8 (truncated)"
        except UnicodeDecodeError:
            pass
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    multibyte = sum(1 for c in text[:200000] if "\u0080" <= c < "\ufffd")
    # Stray bad bytes among many valid multi-byte characters: scraped text
    # with local damage, not another encoding (which fails nearly everywhere).
    if multibyte >= 50 and bad * 200 <= multibyte and _control_share(text) <= 0.05:
        return text, f"utf-8 ({bad} invalid bytes replaced)"
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding name) or DecodeError; the BOM is not part of the text."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), enc
            except UnicodeDecodeError as exc:
                raise DecodeError(f"invalid {enc} after byte-order mark: {exc.reason}") from exc
    if not data:
        return "", "utf-8"
    utf16 = _looks_utf16(data)
    if utf16:
        try:
            text = data.decode(utf16)
            if _control_share(text) < 0.01:
                return text, utf16
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:65536]:
        raise DecodeError("binary content (NUL bytes), not text")
    try:
        text = data.decode("utf-8")
        if _control_share(text) > 0.05:
            raise DecodeError("binary content (control characters), not text")
        return text, "utf-8"
    except UnicodeDecodeError as exc:
        damaged = _damaged_utf8(data, exc)
        if damaged is not None:
            return damaged
    try:
        text = data.decode("windows-1256")
        if _arabic_share(text) > 0.5 and _control_share(text) < 0.01:
            return text, "windows-1256"
    except UnicodeDecodeError:
        pass
    # Imported here: UTF-8 and windows-1256 cover nearly all input (~9 ms of start-up).
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200000]).best()
    if best is None or best.encoding is None:
        raise DecodeError("undecodable bytes: no text encoding fits")
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise DecodeError(f"undecodable bytes (best guess {best.encoding} fails)") from exc
    if _control_share(text) > 0.05:
        raise DecodeError("binary content (control characters), not text")
    return text, best.encoding
