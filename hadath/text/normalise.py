"""Arabic normalisation for matching, with a map back to the original text.

Matching needs one spelling per word (no diacritics or tatweel, one alef,
ي for ى, ه for ة, ASCII digits, no presentation forms), but every span that
hadath reports must point into the text exactly as read.  `normalise` returns
both the normalised string and a compact offset map; nothing here mutates the
original.

Written by hand because no maintained library keeps an offset map through
Arabic orthographic normalisation (pyarabic and camel-tools normalise but
return only the new string).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# One-to-one replacements: they keep the length, so str.translate does them
# at C speed and the offset map stays the identity.
_ONE_TO_ONE = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ې": "ي", "ے": "ي",
    "ة": "ه", "ۀ": "ه", "ە": "ه", "ہ": "ه",
    "ک": "ك", "ڪ": "ك",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ",
    "\u2019": "'", "\u2018": "'",
}
_ONE_TO_ONE.update({chr(0x0660 + i): str(i) for i in range(10)})  # Arabic-Indic
_ONE_TO_ONE.update({chr(0x06F0 + i): str(i) for i in range(10)})  # Persian
_TABLE = str.maketrans(_ONE_TO_ONE)

# Characters that are dropped (diacritics, tatweel, Quranic marks, bidi and
# zero-width controls) or expanded (presentation forms, ligatures).
_SPECIAL = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
    "\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad"
    "\ufb50-\ufdff\ufe70-\ufefe]"
)


def _expand(ch: str) -> str:
    """Replacement for a special character: '' for marks, NFKC otherwise."""
    code = ord(ch)
    if 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFE:
        out = unicodedata.normalize("NFKC", ch)
        out = _SPECIAL.sub("", out)  # NFKC of some forms carries a shadda
        return out.translate(_TABLE)
    return ""


_EXPANSIONS: dict[str, str] = {}


@dataclass(slots=True)
class NormalisedText:
    """The normalised view of a text and the way back to original offsets.

    `segments` holds (norm_start, orig_start, norm_len, orig_len) for every
    stretch; a stretch with norm_len == orig_len maps character by character,
    any other (an expanded ligature) maps as a whole; dropped marks have no
    stretch of their own.  Per-position arrays are built on first use, so
    mapping many spans costs one list index each.
    """

    original: str
    text: str
    segments: list[tuple[int, int, int, int]] | None  # None: identity map
    _starts: list[int] | None = None
    _ends: list[int] | None = None

    def _build(self) -> None:
        starts: list[int] = []
        ends: list[int] = []
        for _ns, os_, nl, ol in self.segments or ():
            if nl == ol:
                starts.extend(range(os_, os_ + nl))
                ends.extend(range(os_ + 1, os_ + nl + 1))
            else:
                starts.extend([os_] * nl)
                ends.extend([os_ + ol] * nl)
        starts.append(len(self.original))
        self._starts, self._ends = starts, ends

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) range of the normalised text to the original."""
        if self.segments is None:
            return start, end
        if end <= start:
            o = self.orig_start(start)
            return o, o
        return self.orig_start(start), self.orig_end(end)

    def orig_start(self, pos: int) -> int:
        if self.segments is None:
            return pos
        if self._starts is None:
            self._build()
        return self._starts[min(pos, len(self._starts) - 1)]  # type: ignore[index]

    def orig_end(self, pos: int) -> int:
        if self.segments is None:
            return pos
        if pos <= 0:
            return 0
        if self._ends is None:
            self._build()
        return self._ends[min(pos, len(self._ends)) - 1]  # type: ignore[index]


_MARK_CHARS = frozenset(
    [chr(c) for c in range(0x0610, 0x061B)] + [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u0640"] + [chr(c) for c in range(0x06D6, 0x06EE)]
)


def extend_over_marks(text: str, end: int) -> int:
    """Move `end` past diacritics and tatweel that belong to the last letter."""
    n = len(text)
    while end < n and text[end] in _MARK_CHARS:
        end += 1
    return end


def normalise_string(text: str) -> str:
    """The normalised form alone (for lexicon entries and queries)."""
    return _SPECIAL.sub(lambda m: _expansion(m.group()), text).translate(_TABLE).lower()


def _expansion(ch: str) -> str:
    out = _EXPANSIONS.get(ch)
    if out is None:
        out = _EXPANSIONS[ch] = _expand(ch)
    return out


def normalise(text: str) -> NormalisedText:
    """Normalise `text` for matching, keeping a map back to its offsets.

    Latin letters are lower-cased (a length-preserving operation for the
    scripts news uses; the rare exceptions are caught below).
    """
    matches = list(_SPECIAL.finditer(text))
    if not matches:
        norm = text.translate(_TABLE).lower()
        if len(norm) == len(text):
            return NormalisedText(text, norm, None)
        matches = []
    parts: list[str] = []
    segments: list[tuple[int, int, int, int]] = []
    npos = 0
    opos = 0
    for m in matches:
        s = m.start()
        if s > opos:
            chunk = text[opos:s]
            parts.append(chunk)
            segments.append((npos, opos, len(chunk), len(chunk)))
            npos += len(chunk)
        rep = _expansion(m.group())
        if rep:
            parts.append(rep)
            segments.append((npos, s, len(rep), 1) if len(rep) != 1 else (npos, s, 1, 1))
            npos += len(rep)
        else:
            segments.append((npos, s, 0, 1))
        opos = s + 1
    if opos < len(text):
        chunk = text[opos:]
        parts.append(chunk)
        segments.append((npos, opos, len(chunk), len(chunk)))
    joined = "".join(parts).translate(_TABLE)
    lowered = joined.lower()
    if len(lowered) != len(joined):  # e.g. 'İ' lowers to two characters
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in joined)
    # Zero-length segments (dropped marks) never start a mapped position;
    # keep them out of the search list so bisect lands on real stretches.
    segments = [s for s in segments if s[2] > 0] or [(0, 0, 0, len(text))]
    return NormalisedText(text, lowered, segments)
