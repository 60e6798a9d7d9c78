"""Bytes to text for vCard files, one property at a time.

A file is decoded as UTF-8 with ``surrogateescape``: a byte that is not UTF-8 becomes a lone
surrogate (U+DC80..U+DCFF) in the text and the rest of the file is untouched. Only the cards
holding such bytes are looked at again (``clean_card``): each of their logical lines is
unfolded back to bytes and decoded on its own, by its ``CHARSET=`` if it declares one, else as
UTF-8 (a character split across a folded line, as ownCloud writes, is whole again once
unfolded), else in a legacy charset detected for the card (or the file) with
charset-normalizer. A value that cannot be read cleanly is reported with its line; its
neighbours, and the other cards of the file, keep their text.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from functools import lru_cache

from crm.core.cards import CardProblem

SURROGATE = re.compile("[\udc80-\udcff]")
_SURROGATE_RUN = re.compile("[\udc80-\udcff]+")
_NON_ASCII_TEXT = re.compile("[^\x00-\x7f\udc80-\udcff]")
_PROPERTY_NAME = re.compile(r"(?:[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]{1,60}")
_DECLARED = re.compile(rb";\s*CHARSET=\"?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# The 8-bit charsets address books write when they declare none (Outlook, old Nokia and
# Sony Ericsson PC suites): Windows code pages first, which is what they use.
_LEGACY = ["cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
           "cp1258", "koi8_r", "mac_roman"]
# Below this many non-ASCII bytes no guess is better than the most common one (a stray é).
_MIN_SAMPLE = 16
# Enough non-ASCII bytes for a guess of the card's own charset; fewer and the file's is used.
_CARD_SAMPLE = 48
_FILE_SAMPLE = 256 * 1024


def decode_file(data: bytes) -> tuple[str, str]:
    """The text of a vCard file and how it was read: ``utf-8`` (valid, BOM or not),
    ``utf-16-le``/``utf-16-be`` (with or without a BOM), or ``8bit`` (not UTF-8 throughout:
    the bytes that are not are lone surrogates, decoded per property by ``clean_card``)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data.startswith(codecs.BOM_UTF16_LE):
        return _utf16(data[2:], "utf-16-le"), "utf-16-le"
    elif data.startswith(codecs.BOM_UTF16_BE):
        return _utf16(data[2:], "utf-16-be"), "utf-16-be"
    else:
        utf16 = _utf16_without_bom(data)
        if utf16:
            return _utf16(data, utf16), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("utf-8", "surrogateescape"), "8bit"


def _utf16(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec, "surrogateescape")
    except UnicodeDecodeError:  # an odd byte at the end: the handler does not take it
        return data.decode(codec, "replace")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 as Windows tools write it without a BOM: every other byte of the ASCII
    ``BEGIN`` is NUL, and so it is at the end of the file (a UTF-8 file with one UTF-16
    card pasted in stays UTF-8)."""
    if len(data) % 2 or len(data) < 16:
        return None
    head, tail = data[:16], data[-16:]
    if all(head[i] == 0 and head[i + 1] != 0 for i in (0, 2, 4)) and tail[0::2].count(0) > 4:
        return "utf-16-be"
    if all(head[i] != 0 and head[i + 1] == 0 for i in (0, 2, 4)) and tail[1::2].count(0) > 4:
        return "utf-16-le"
    return None


def display_name(codec: str) -> str:
    name = codecs.lookup(codec).name
    return f"windows-{name[2:]}" if re.fullmatch(r"cp12\d\d", name) else name


@lru_cache(maxsize=64)
def _codec(name: str) -> str | None:
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    # Only text codecs (not rot13, base64…) that can hold a vCard line: one whose ASCII is
    # ASCII. A line of a file read byte by byte is never in UTF-16, UTF-32 or EBCDIC, whatever
    # it declares; decoded so, its name and value would turn into other characters.
    if not getattr(info, "_is_text_encoding", True):
        return None
    try:
        ascii_same = _ASCII_PROBE.encode(info.name) == _ASCII_PROBE.encode("ascii")
    except (UnicodeError, ValueError):
        ascii_same = False
    return info.name if ascii_same else None


_ASCII_PROBE = "NOTE;CHARSET=X:Aa0 ,;=\\"


def detect_legacy(data: bytes) -> str:
    """The 8-bit charset ``data`` is most likely in (Windows-1252 when nothing is surer)."""
    if sum(1 for b in data if b > 0x7F) < _MIN_SAMPLE:
        return "cp1252"
    from charset_normalizer import from_bytes  # (imported only for a file that needs it)

    matches = from_bytes(data, cp_isolation=_LEGACY)
    best = matches.best()
    if best is None:
        return "cp1252"
    for match in matches:
        # Latin text decodes alike in 1250/1252/1257: prefer the most common on a tie.
        if (match.encoding == "cp1252" and match.chaos <= best.chaos
                and match.coherence >= best.coherence - 0.01):
            return "cp1252"
    return str(best.encoding)


class FileCharset:
    """What one file's 8-bit cards are read with, worked out once, when first needed."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._guess: str | None = None
        self._has_utf8: bool | None = None
        self.noticed = False

    def has_utf8(self) -> bool:
        """Whether the file holds valid non-ASCII UTF-8: then its other bytes are damage."""
        if self._has_utf8 is None:
            self._has_utf8 = _NON_ASCII_TEXT.search(self._text) is not None
        return self._has_utf8

    def guess(self) -> str:
        if self._guess is None:
            sample = bytearray()
            for line in self._text.split("\n"):
                if SURROGATE.search(line):
                    sample += line.encode("utf-8", "surrogateescape") + b"\n"
                    if len(sample) > _FILE_SAMPLE:
                        break
            self._guess = detect_legacy(bytes(sample))
        return self._guess

    def release(self) -> None:
        self._text = ""


def clean_card(lines: list[str], first: int, charset: FileCharset) -> tuple[list[str],
                                                                            list[CardProblem]]:
    """The card's lines with every byte decoded (see the module doc), and what was doubtful.
    Folding is kept, except that a character split by a fold moves whole before it."""
    out: list[str] = []
    problems: list[CardProblem] = []
    card_guess: Callable[[], str] = _card_guess(lines, charset)
    i = 0
    while i < len(lines):
        j = i + 1
        while j < len(lines) and lines[j][:1] in (" ", "\t") and lines[j]:
            j += 1
        group = lines[i:j]
        if any(SURROGATE.search(line) for line in group):
            text, problem = _decode_group(group, first + i, charset, card_guess)
            out.extend(text)
            if problem is not None:
                problems.append(problem)
        else:
            out.extend(group)
        i = j
    return out, problems


def _card_guess(lines: list[str], charset: FileCharset) -> Callable[[], str]:
    found: list[str] = []

    def guess() -> str:
        if not found:
            data = "\n".join(x for x in lines if SURROGATE.search(x)).encode(
                "utf-8", "surrogateescape")
            high = sum(1 for b in data if b > 0x7F)
            found.append(detect_legacy(data) if high >= _CARD_SAMPLE else charset.guess())
        return found[0]
    return guess


def _decode_group(group: list[str], line: int, charset: FileCharset,
                  card_guess: Callable[[], str]) -> tuple[list[str], CardProblem | None]:
    pieces = [x.encode("utf-8", "surrogateescape") for x in group]
    colon = pieces[0].find(b":")
    head = pieces[0][:colon] if colon >= 0 else b""
    name = head.split(b";", 1)[0].decode("ascii", "replace").strip()
    if not _PROPERTY_NAME.fullmatch(name):  # an error names a property, never quotes text
        name = "a line"
    m = _DECLARED.search(head)
    declared = _codec(m.group(1).decode("ascii")) if m else None
    if declared is None or declared == "utf-8":
        text = _strict(_whole_characters(pieces), "utf-8")
        if text is not None:
            return text, None
    elif declared:
        text = _strict(pieces, declared)
        if text is not None:
            return text, None
    legacy = card_guess()
    if declared not in (None, "utf-8"):
        text = [x.decode(legacy, "replace") for x in pieces]
        return text, CardProblem(line, f"{name} is not valid {display_name(declared)} as it "
                                 f"declares; read as {display_name(legacy)}")
    if charset.has_utf8():
        # The file is UTF-8 and this value holds a stray byte: only that byte is read in the
        # legacy charset, its UTF-8 neighbours (on this line or another fold) stay as written.
        text = [_utf8_except_strays(x, legacy) for x in _whole_characters(pieces)]
        return text, CardProblem(line, f"{name} has bytes that are not UTF-8 (the rest of the "
                                 f"file is); they were read as {display_name(legacy)}")
    text = [x.decode(legacy, "replace") for x in pieces]
    if charset.noticed:
        return text, None
    charset.noticed = True
    return text, CardProblem(line, f"file is not UTF-8 and declares no charset; read as "
                             f"{display_name(legacy)} (detected)", damaged=False)


def _utf8_except_strays(data: bytes, legacy: str) -> str:
    text = data.decode("utf-8", "surrogateescape")
    return _SURROGATE_RUN.sub(
        lambda m: m.group().encode("utf-8", "surrogateescape").decode(legacy, "replace"), text)


def _strict(pieces: list[bytes], codec: str) -> list[str] | None:
    try:
        return [x.decode(codec) for x in pieces]
    except (UnicodeDecodeError, LookupError):
        return None


def _whole_characters(pieces: list[bytes]) -> list[bytes]:
    """Fold pieces with a UTF-8 character cut at a fold moved whole into the piece before."""
    out = list(pieces)
    for k in range(len(out) - 1):
        nxt = out[k + 1]
        cont = 1  # after the fold's space or tab
        while cont < len(nxt) and 0x80 <= nxt[cont] <= 0xBF and cont <= 3:
            cont += 1
        if cont > 1 and _ends_incomplete(out[k]):
            out[k] += nxt[1:cont]
            out[k + 1] = nxt[:1] + nxt[cont:]
    return out


def _ends_incomplete(data: bytes) -> bool:
    for back in range(1, 4):
        if len(data) < back:
            return False
        byte = data[-back]
        if byte >= 0xC0:
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return need > back
        if byte < 0x80:
            return False
    return False
