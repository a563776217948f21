"""Text files as soilsink reads them: UTF-8, with or without a byte-order mark.

Anything else is refused with the encoding to save the file as, because a wrong guess would
silently change names and values: UTF-16/UTF-32 (what some spreadsheet programs write for
"Unicode text") is recognised by its byte-order mark or its zero bytes; Latin-1 /
Windows-1252 and other 8-bit encodings fail UTF-8 decoding, and the message shows the line
as Windows-1252 would read it so the user can find it.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from soilsink.io.errors import InputError, Problem

SAVE_AS_UTF8 = ("UTF-8 text: save the file as UTF-8 (Excel: 'CSV UTF-8 (comma delimited)'; "
                "LibreOffice: character set 'Unicode (UTF-8)'; editors: encoding UTF-8)")

_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
              (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))


def decode_text(data: bytes, source: str) -> str:
    """Decode ``data`` as UTF-8 (a leading byte-order mark is dropped); else :class:`InputError`."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    else:
        for bom, name in _WIDE_BOMS:
            if data.startswith(bom):
                raise InputError(Problem(source, f"the file is {name} text, not UTF-8", allowed=SAVE_AS_UTF8))
    if b"\x00" in data[:4096]:
        raise InputError(Problem(source, "the file holds zero bytes: it is UTF-16 text or not a text file",
                                 allowed=SAVE_AS_UTF8))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_no = data.count(b"\n", 0, exc.start) + 1
        start = data.rfind(b"\n", 0, exc.start) + 1
        end = data.find(b"\n", exc.start)
        line = data[start:end if end >= 0 else len(data)].decode("cp1252", errors="replace").rstrip("\r")
        raise InputError(Problem(source, f"not UTF-8 text: byte 0x{data[exc.start]:02X} on line {line_no} "
                                 "(the file looks Latin-1 / Windows-1252 encoded)", row=line_no, value=line,
                                 allowed=SAVE_AS_UTF8)) from None


def read_text(path: str | os.PathLike) -> str:
    """Read a UTF-8 text file (see :func:`decode_text`); a missing file is an :class:`InputError`."""
    p = Path(path)
    if not p.is_file():
        raise InputError(Problem(str(p), "file not found" if not p.exists() else "is a folder, not a file"))
    return decode_text(p.read_bytes(), str(p))
