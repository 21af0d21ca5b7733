"""Kemendagri region codes: province, kabupaten/kota, kecamatan, desa/kelurahan.

The data (91,599 codes, MIT, see data/wilayah.LICENSE) ships inside the package as
`data/wilayah.idx`, built by scripts/build_region_index.py from `data/wilayah.tsv.gz`. A CLI
command checks a record or two, not the whole country, and parsing and sorting the whole list
cost ~0.35 s a process; so the file is cut into parts read only when asked for: its header
holds the provinces and kabupaten/kota, then each kabupaten's kecamatan and desa are a part
(checking one record reads one, well under a millisecond), and one last part has every name in
search order (read by the first name search). Codes are kept dotted (`32.16.01.2001`); lookups
accept them with or without dots.

The file: a UTF-8 header ending in an empty line, then the zlib-compressed parts.
    fieldapp-regions<TAB>1<TAB>COUNT<TAB>NAMES_OFFSET<TAB>NAMES_LENGTH
    CODE<TAB>NAME<TAB>OFFSET<TAB>LENGTH     (every province and kabupaten, by code; a province's part is empty)
A kabupaten's part: "code<TAB>name" lines of its kecamatan and desa, by code. The names part:
"folded name<TAB>code" lines, sorted. Offsets count from the first byte after the header.
"""

from __future__ import annotations

import bisect
import os
import threading
import unicodedata
import zlib
from dataclasses import dataclass

LEVELS = {1: "province", 2: "kabupaten", 3: "kecamatan", 4: "desa"}
_SEGMENT_WIDTHS = (2, 2, 2, 4)
# Beside this module rather than through importlib.resources (~30 ms of imports); PyInstaller
# and wheels keep package data next to the package's modules.
INDEX_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "wilayah.idx")
FORMAT = ("fieldapp-regions", "1")


@dataclass(frozen=True)
class Region:
    code: str
    name: str

    @property
    def level(self) -> str:
        return LEVELS[self.code.count(".") + 1]


def dotted(code: str) -> str | None:
    """`3216012001` or `32.16.01.2001` -> `32.16.01.2001`; None when the shape is wrong."""
    text = code.strip()
    if "." in text:
        parts = text.split(".")
        if len(parts) > 4 or any(len(p) != w for p, w in zip(parts, _SEGMENT_WIDTHS, strict=False)):
            return None
        return text if all(p.isdigit() for p in parts) else None
    if not text.isdigit() or len(text) not in (2, 4, 6, 10):
        return None
    parts, start = [], 0
    for width in _SEGMENT_WIDTHS:
        if start >= len(text):
            break
        parts.append(text[start : start + width])
        start += width
    return ".".join(parts)


def fold(text: str) -> str:
    """Lower-case, accents removed: the form names are compared in."""
    if text.isascii():
        return text.casefold().strip()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


class RegionIndex:
    """Lookups by code and by name prefix over the whole list, reading parts on first use."""

    def __init__(self, blob: bytes) -> None:
        end = blob.index(b"\n\n")
        first, *lines = blob[:end].decode("utf-8").split("\n")
        magic, version, count, names_at, names_length = first.split("\t")
        if (magic, version) != FORMAT:
            raise ValueError("not a fieldapp region index of a known version")
        self._blob = memoryview(blob)[end + 2 :]
        self._count = int(count)
        self._names_part = (int(names_at), int(names_length))
        self._names: dict[str, str] = {}  # code -> name: the header's, and every part's read so far
        self._top: list[str] = []  # provinces and kabupaten/kota, by code
        self._parts: dict[str, tuple[int, int]] = {}  # kabupaten -> where its kecamatan and desa are
        for line in lines:
            code, name, at, length = line.split("\t")
            self._names[code] = name
            self._top.append(code)
            if "." in code:
                self._parts[code] = (int(at), int(length))
        self._below: dict[str, list[str]] = {}  # kabupaten -> its codes, by code, once read
        self._by_name: list[str] | None = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._count

    def _read(self, part: tuple[int, int]) -> str:
        at, length = part
        return zlib.decompress(self._blob[at : at + length]).decode("utf-8")

    def _codes_below(self, kabupaten: str) -> list[str]:
        """The kecamatan and desa codes of `kabupaten`, by code; read (and named) on first use."""
        found = self._below.get(kabupaten)
        if found is None:
            with self._lock:
                found = self._below.get(kabupaten)
                if found is None:
                    cells = self._read(self._parts[kabupaten]).replace("\n", "\t").split("\t")
                    cells.pop()  # after the last newline
                    found = cells[0::2]
                    self._names.update(zip(found, cells[1::2], strict=True))
                    self._below[kabupaten] = found
        return found

    def _name(self, code: str) -> str | None:
        name = self._names.get(code)
        if name is None and len(code) > 5 and code[:5] in self._parts:
            # Not "if not read yet": another thread may finish reading it between the two looks.
            self._codes_below(code[:5])
            name = self._names.get(code)
        return name

    def _find(self, code: str) -> tuple[str, str] | None:
        """(dotted code, name); stored codes are dotted already, so `code` as it is comes first."""
        name = self._name(code)
        if name is not None:
            return code, name
        key = dotted(code)
        if key is None or key == code:
            return None
        name = self._name(key)
        return None if name is None else (key, name)

    def get(self, code: str) -> Region | None:
        found = self._find(code)
        return None if found is None else Region(*found)

    def exists(self, code: str, level: str | None = None) -> bool:
        if code in self._names:  # every record's check: a dotted code whose part is read already
            key = code
        elif (found := self._find(code)) is not None:
            key = found[0]
        else:
            return False
        return level is None or LEVELS[key.count(".") + 1] == level

    def lineage(self, code: str) -> list[Region]:
        """The region and its parents, province first."""
        key = dotted(code) or ""
        parts = key.split(".")
        found = (self.get(".".join(parts[:n])) for n in range(1, len(parts) + 1))
        return [region for region in found if region is not None]

    def children(self, parent: str | None) -> list[Region]:
        """The regions one level below `parent` (the provinces for None), by name."""
        key = "" if parent is None else dotted(parent) or ""
        if parent is not None and not key:
            return []
        dots = key.count(".") + 1 if key else 0  # how many dots the children's codes have
        if dots <= 1:
            codes = self._top
        elif key[:5] in self._parts:
            codes = self._codes_below(key[:5])
        else:
            return []
        prefix = key + "." if key else ""
        found = []
        for code in codes[bisect.bisect_left(codes, prefix) :]:
            if not code.startswith(prefix):
                break
            if code.count(".") == dots:
                found.append(Region(code, self._names[code]))
        return sorted(found, key=lambda r: fold(r.name))

    def search_desa(self, text: str, near: str = "", limit: int = 20) -> list[Region]:
        """Desa/kelurahan for a form's type-to-search: those of `near`'s kecamatan first.

        Near ones match anywhere in the name (an operator knows the local names by any part);
        the rest of the country matches by name prefix.
        """
        wanted = fold(" ".join(text.split()))
        if not wanted:
            return []
        kecamatan = ".".join((dotted(near) or "").split(".")[:3])
        local = [r for r in self.children(kecamatan) if wanted in fold(r.name)] if kecamatan.count(".") == 2 else []
        seen = {r.code for r in local}
        others = [r for r in self.search(wanted, "desa", limit) if r.code not in seen]
        return (local + others)[:limit]

    def describe(self, code: str) -> str:
        """ "Desa, Kecamatan, Kabupaten, Province" for a desa code: how a picker shows it."""
        return ", ".join(region.name for region in reversed(self.lineage(code)))

    def _names_in_order(self) -> list[str]:
        """ "folded<TAB>code" lines, sorted: as strings that is (folded, code) order, since no
        name holds a character below the tab (the build script refuses one)."""
        if self._by_name is None:
            with self._lock:
                if self._by_name is None:
                    lines = self._read(self._names_part).split("\n")
                    lines.pop()  # after the last newline
                    self._by_name = lines
        return self._by_name

    def search(self, prefix: str, level: str | None = None, limit: int = 20) -> list[Region]:
        """Regions whose name starts with `prefix` (case- and accent-insensitive)."""
        wanted = fold(prefix)
        if "\t" in wanted or "\n" in wanted:  # no name holds one; it would match into the code
            return []
        lines = self._names_in_order()
        found: list[Region] = []
        for position in range(bisect.bisect_left(lines, wanted), len(lines)):
            line = lines[position]
            if not line.startswith(wanted) or len(found) >= limit:
                break
            code = line[line.rindex("\t") + 1 :]
            region = self.get(code)
            if region is not None and (level is None or region.level == level):
                found.append(region)
        return found

    def parts_read(self) -> tuple[int, bool]:
        """(kabupaten parts read, whether the names part was): what a command paid for."""
        return len(self._below), self._by_name is not None

    def preload(self) -> None:
        """Read every part now (~0.13 s), e.g. on a worker before a screen searches by name."""
        for kabupaten in self._parts:
            self._codes_below(kabupaten)
        self._names_in_order()

    def rows(self) -> list[tuple[str, str]]:
        """Every (code, name), by code; reads the whole file (to check it against its source)."""
        self.preload()
        return sorted(self._names.items())


_lock = threading.Lock()
_index: RegionIndex | None = None


def regions() -> RegionIndex:
    """The shared index, opened on first call (thread-safe); its parts are read as they are used."""
    global _index
    if _index is not None:  # the common case, without taking the lock
        return _index
    with _lock:
        if _index is None:
            with open(INDEX_FILE, "rb") as handle:
                _index = RegionIndex(handle.read())
        return _index
