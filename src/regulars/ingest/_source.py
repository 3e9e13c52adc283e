"""Look at a source file before reading it: format, compression, encoding, delimiter, hash.

One streaming pass over the (decompressed) bytes computes the content hash and checks that
the text is UTF-8; anything that cannot be used at all raises ``SourceError`` naming the
file and what to do, before the store is touched.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from regulars.errors import SourceError

__all__ = ["SourceInfo", "inspect_source"]

Format = Literal["csv", "parquet", "jsonl", "json", "excel"]

_CHUNK = 1 << 20
_SAMPLE = 1 << 16
#: A byte that is not UTF-8, as Python's surrogateescape decodes it; any character beyond ASCII.
_UNDECODABLE = re.compile("[\udc80-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
_DELIMITERS = (",", ";", "\t", "|")
_EXTENSIONS: dict[str, Format] = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".dat": "csv",
    ".parquet": "parquet", ".pq": "parquet",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".xlsx": "excel", ".xlsm": "excel", ".xls": "excel",
}


@dataclass(frozen=True)
class SourceInfo:
    """What we learned about a file; ``delimiter`` is ``"whitespace"`` for fixed-width text."""

    path: Path
    format: Format
    compressed: bool
    encoding: str
    delimiter: str
    content_hash: str
    size: int

    @property
    def name(self) -> str:
        return self.path.name


def _open_bytes(path: Path, compressed: bool) -> io.BufferedIOBase:
    return gzip.open(path, "rb") if compressed else open(path, "rb")  # noqa: SIM115


def _format_of(path: Path, head: bytes) -> Format:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1] in _EXTENSIONS:
        return _EXTENSIONS[suffixes[-1]]
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        return "excel"
    if head.lstrip().startswith(b"{"):
        return "jsonl"
    return "csv"


def _scan(path: Path, compressed: bool) -> tuple[str, bool, int, bytes]:
    """Hash the content and decide whether it is UTF-8; returns (sha256, is_utf8, size, head).

    A file that is UTF-8 but for a few lines (a line pasted from another program) is UTF-8: its
    valid multi-byte characters outnumber the bytes that are not, and those lines are
    quarantined. A file without valid multi-byte characters is a single-byte encoding."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    valid = invalid = size = 0
    head = b""
    try:
        with _open_bytes(path, compressed) as fh:
            while chunk := fh.read(_CHUNK):
                if not head:
                    head = chunk[:_SAMPLE]
                digest.update(chunk)
                size += len(chunk)
                if max(chunk, default=0) >= 0x80:  # ASCII is UTF-8: only chunks with high bytes are looked at
                    text = decoder.decode(chunk)
                    bad = len(_UNDECODABLE.findall(text))
                    invalid += bad
                    valid += len(_NON_ASCII.findall(text)) - bad
        invalid += len(_UNDECODABLE.findall(decoder.decode(b"", final=True)))
    except (OSError, EOFError, zlib.error) as exc:
        raise SourceError(f"{path}: cannot be read ({exc}); is the file complete?") from None
    return digest.hexdigest(), invalid == 0 or valid > invalid, size, head


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return bool(head) and controls / len(head) > 0.01


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            count += 1
    return count


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter whose count per line is the most consistent (and non-zero)."""
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if len(lines) > 1:
        lines = lines[:-1]  # the sample may cut the last line short
    best, best_score = ",", 0.0
    for delim in _DELIMITERS:
        counts = [_count_outside_quotes(ln, delim) for ln in lines]
        if not counts or counts[0] == 0:
            continue
        agree = sum(1 for c in counts if c == counts[0]) / len(counts)
        score = agree * 1000 + counts[0]
        if score > best_score:
            best, best_score = delim, score
    if best_score == 0 and lines and all(len(ln.split()) > 1 for ln in lines):
        widths = {len(ln.split()) for ln in lines}
        if len(widths) == 1:
            return "whitespace"
    return best


def inspect_source(path: str | Path) -> SourceInfo:
    """Check a file can be used and describe it; raises ``SourceError`` otherwise."""
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: no such file; check the path and try again")
    if path.is_dir():
        raise SourceError(f"{path}: is a folder; give the path of a file inside it")
    with open(path, "rb") as fh:
        magic = fh.read(4)
    compressed = magic[:2] == b"\x1f\x8b"
    content_hash, utf8, size, head = _scan(path, compressed)
    if size == 0 or not head.strip():
        raise SourceError(f"{path}: the file is empty; export it again with its rows")
    fmt = _format_of(path, head)
    if fmt in ("parquet", "excel"):
        return SourceInfo(path, fmt, compressed, "binary", "", content_hash, size)
    if _looks_binary(head) and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError(
            f"{path}: does not look like a text file (it contains binary bytes); "
            "regulars reads CSV, JSON Lines, Parquet and Excel files"
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
        sample = head.decode("utf-16", errors="replace")
    elif utf8:
        encoding = "utf-8"
        sample = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    else:  # what Excel on Windows writes: Windows-1252 (a superset of Latin-1's printable characters)
        encoding = "cp1252"
        sample = head.decode("cp1252", errors="replace")
    delimiter = sniff_delimiter(sample) if fmt == "csv" else ""
    return SourceInfo(path, fmt, compressed, encoding, delimiter, content_hash, size)


def read_header(info: SourceInfo, delimiter: str | None = None) -> list[str]:
    """The header row of a CSV source, as names (blank names become ``column_N``);
    ``delimiter`` overrides the sniffed one."""
    delimiter = delimiter or info.delimiter
    with _open_bytes(info.path, info.compressed) as raw:
        text = io.TextIOWrapper(raw, encoding=info.encoding, errors="replace", newline="")
        first = text.readline().lstrip("\ufeff")
    if delimiter == "whitespace":
        names = first.split()
    else:
        names = next(csv.reader([first], delimiter=delimiter), [])
    return dedupe_names(names)


def dedupe_names(names: list[str]) -> list[str]:
    """Strip names, fill blanks and make duplicates unique (``Total``, ``Total_2``)."""
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names, start=1):
        name = str(name).strip() or f"column_{i}"
        base, n = name, seen.get(name.lower(), 0)
        while name.lower() in seen:
            n += 1
            name = f"{base}_{n + 1}"
        seen[name.lower()] = 0
        seen[base.lower()] = n
        out.append(name)
    return out
