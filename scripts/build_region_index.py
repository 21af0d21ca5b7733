"""Build fieldapp/data/wilayah.idx, the region list in the form the app opens fast.

Why: parsing the whole list and sorting it by name took ~0.35 s, paid by every `fieldapp
register` although one record needs one or two codes. The index is cut into parts read on
demand (see fieldapp/regions.py for the layout). Its source is fieldapp/data/wilayah.tsv.gz
(itself built by scripts/build_regions.py from the Kemendagri CSV); run this after that one:

    python scripts/build_region_index.py

tests/test_region_index.py fails when the shipped index and its source disagree.
"""

from __future__ import annotations

import gzip
import sys
import zlib
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fieldapp.regions import FORMAT, INDEX_FILE, fold

SOURCE = Path(INDEX_FILE).with_name("wilayah.tsv.gz")


def read_source(path: Path = SOURCE) -> list[tuple[str, str]]:
    """(code, name) rows of the gzip-compressed "code<TAB>name" lines."""
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    return [tuple(line.split("\t", 1)) for line in text.splitlines()]  # type: ignore[misc]


def build(rows: list[tuple[str, str]]) -> bytes:
    """The index file's bytes for `rows`; refuses data the reader could misread."""
    if len({code for code, _ in rows}) != len(rows):
        raise ValueError("a region code appears twice")
    top = sorted((code, name) for code, name in rows if code.count(".") <= 1)
    below: dict[str, list[tuple[str, str]]] = {code: [] for code, _ in top if "." in code}
    for code, name in rows:
        if any(ch < " " for ch in name) or name != name.strip() or not name:
            raise ValueError(f"region {code}: empty name, or a control character or outer space in it")
        if code.count(".") > 1:
            if code[:5] not in below:
                raise ValueError(f"region {code}: its kabupaten {code[:5]} is not in the list")
            below[code[:5]].append((code, name))
    header, parts, offset = [], [], 0
    for code, name in top:
        part = _pack(f"{child}\t{child_name}\n" for child, child_name in sorted(below[code])) if "." in code else b""
        header.append(f"{code}\t{name}\t{offset}\t{len(part)}")
        parts.append(part)
        offset += len(part)
    names = _pack(f"{line}\n" for line in sorted(f"{fold(name)}\t{code}" for code, name in rows))
    first = "\t".join((*FORMAT, str(len(rows)), str(offset), str(len(names))))
    return "\n".join([first, *header]).encode("utf-8") + b"\n\n" + b"".join(parts) + names


def _pack(lines: Iterable[str]) -> bytes:
    return zlib.compress("".join(lines).encode("utf-8"), 9)


def main() -> None:
    rows = read_source()
    Path(INDEX_FILE).write_bytes(build(rows))
    print(f"{INDEX_FILE}: {len(rows)} regions")


if __name__ == "__main__":
    main()
