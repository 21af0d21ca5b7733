"""Kemendagri region codes: province, kabupaten/kota, kecamatan, desa/kelurahan.

The data (91,599 codes, MIT, see data/wilayah.LICENSE) ships inside the package and is loaded
once, on first use, so opening a store never pays for it. Codes are kept dotted
(`32.16.01.2001`); lookups accept them with or without dots.
"""

from __future__ import annotations

import bisect
import gzip
import threading
import unicodedata
from dataclasses import dataclass
from importlib import resources

LEVELS = {1: "province", 2: "kabupaten", 3: "kecamatan", 4: "desa"}
_SEGMENT_WIDTHS = (2, 2, 2, 4)


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
    """Lookups by code and by name prefix over the whole list."""

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        self._names = dict(rows)
        self._by_name = sorted((fold(name), code) for code, name in rows)
        self._folded = [name for name, _ in self._by_name]
        self._codes = sorted(self._names)
        self._provinces = [code for code in self._codes if "." not in code]

    def __len__(self) -> int:
        return len(self._names)

    def get(self, code: str) -> Region | None:
        key = code if code in self._names else dotted(code)  # stored codes are dotted already
        if key is None or key not in self._names:
            return None
        return Region(key, self._names[key])

    def exists(self, code: str, level: str | None = None) -> bool:
        key = code if code in self._names else dotted(code)
        if key is None or key not in self._names:
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
        if parent is None:
            found = self._provinces
        else:
            key = dotted(parent) or ""
            start = bisect.bisect_left(self._codes, key + ".")
            found = []
            for code in self._codes[start:]:
                if not code.startswith(key + "."):
                    break
                if code.count(".") == key.count(".") + 1:
                    found.append(code)
        return sorted((Region(code, self._names[code]) for code in found), key=lambda r: fold(r.name))

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

    def search(self, prefix: str, level: str | None = None, limit: int = 20) -> list[Region]:
        """Regions whose name starts with `prefix` (case- and accent-insensitive)."""
        wanted = fold(prefix)
        start = bisect.bisect_left(self._folded, wanted)
        found: list[Region] = []
        for position in range(start, len(self._by_name)):
            name, code = self._by_name[position]
            if not name.startswith(wanted) or len(found) >= limit:
                break
            region = Region(code, self._names[code])
            if level is None or region.level == level:
                found.append(region)
        return found


_lock = threading.Lock()
_index: RegionIndex | None = None


def regions() -> RegionIndex:
    """The shared index, loaded on first call (thread-safe)."""
    global _index
    if _index is not None:  # the common case, without taking the lock
        return _index
    with _lock:
        if _index is None:
            _index = RegionIndex(_load_rows())
        return _index


def _load_rows() -> list[tuple[str, str]]:
    blob = resources.files("fieldapp.data").joinpath("wilayah.tsv.gz").read_bytes()
    lines = gzip.decompress(blob).decode("utf-8").splitlines()
    return [tuple(line.split("\t", 1)) for line in lines]  # type: ignore[misc]
