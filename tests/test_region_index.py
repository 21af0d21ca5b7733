"""The shipped region index (fieldapp/data/wilayah.idx): it matches its source, ships, and reads lazily."""

from __future__ import annotations

import importlib.util
import threading
import tomllib
import zlib
from pathlib import Path

import pytest

from fieldapp.regions import INDEX_FILE, LEVELS, RegionIndex, dotted, fold

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("build_region_index", ROOT / "scripts" / "build_region_index.py")
assert _spec is not None and _spec.loader is not None
builder = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(builder)


@pytest.fixture(scope="module")
def source() -> list[tuple[str, str]]:
    return builder.read_source()


@pytest.fixture(scope="module")
def shipped() -> bytes:
    return Path(INDEX_FILE).read_bytes()


@pytest.fixture(scope="module")
def by_name(source: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(folded name, code, name) of every region, in search order."""
    return sorted((fold(name), code, name) for code, name in source)


@pytest.fixture(scope="module")
def index(shipped: bytes) -> RegionIndex:
    return RegionIndex(shipped)


def decoded(blob: bytes) -> tuple[list[str], list[str]]:
    """The header lines and every part decompressed: the content, whatever zlib's bytes."""
    end = blob.index(b"\n\n")
    header = blob[:end].decode("utf-8").split("\n")
    body = blob[end + 2 :]
    spans = [(int(line.split("\t")[2]), int(line.split("\t")[3])) for line in header[1:]]
    spans.append((int(header[0].split("\t")[3]), int(header[0].split("\t")[4])))
    parts = [zlib.decompress(body[at : at + length]).decode("utf-8") if length else "" for at, length in spans]
    return header, parts


def test_the_shipped_index_holds_exactly_its_source(source: list[tuple[str, str]], shipped: bytes) -> None:
    index = RegionIndex(shipped)
    assert len(index) == len(source) == 91_599
    assert index.rows() == sorted(source)


def test_the_shipped_index_is_what_the_build_script_makes_now(source: list[tuple[str, str]], shipped: bytes) -> None:
    """Fails when the source, `fold` or the layout changed without `python scripts/build_region_index.py`."""
    built_header, built_parts = decoded(builder.build(source))
    shipped_header, shipped_parts = decoded(shipped)
    assert [line.split("\t")[:2] for line in shipped_header[1:]] == [line.split("\t")[:2] for line in built_header[1:]]
    assert shipped_header[0].split("\t")[:3] == built_header[0].split("\t")[:3]
    assert shipped_parts == built_parts


def test_the_index_is_package_data_beside_the_module() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "wilayah.idx" in config["tool"]["setuptools"]["package-data"]["fieldapp.data"]
    assert Path(INDEX_FILE).parent == ROOT / "fieldapp" / "data"


def test_a_lookup_reads_one_part_and_a_name_search_the_names(shipped: bytes) -> None:
    index = RegionIndex(shipped)
    assert index.exists("32", "province") and index.parts_read() == (0, False)  # provinces: the header
    assert index.exists("32.16", "kabupaten") and index.parts_read() == (0, False)
    assert index.exists("32.16.01.2001", "desa") and index.exists("3216012001", "desa")
    assert not index.exists("32.16.01.9999") and not index.exists("32.16.01.2001", "kecamatan")
    assert index.parts_read() == (1, False)
    assert [r.code for r in index.search("sagara makmur", "desa")] == ["32.16.01.2001"]
    assert index.parts_read()[1] is True


@pytest.mark.parametrize("prefix", ["a", "kota b", "sagara", "SUKA", "Écija", "kabupaten bekasi", "zz", "", "x\ty"])
@pytest.mark.parametrize("level", [None, "desa", "kabupaten"])
def test_name_search_agrees_with_a_plain_scan(
    by_name: list[tuple[str, str, str]], index: RegionIndex, prefix: str, level: str | None
) -> None:
    wanted = fold(prefix)
    matching = [(code, name) for folded, code, name in by_name if folded.startswith(wanted) and "\t" not in wanted]
    expected = [row for row in matching if level is None or LEVELS[row[0].count(".") + 1] == level][:7]
    assert [(r.code, r.name) for r in index.search(prefix, level, limit=7)] == expected


@pytest.mark.parametrize(
    "parent", [None, "32", "32.16", "3216", "32.16.01", "11.01.01", "99", "32.99", "junk", "32.16.01.2001"]
)
def test_children_agree_with_a_plain_scan(
    source: list[tuple[str, str]], index: RegionIndex, parent: str | None
) -> None:
    key = "" if parent is None else dotted(parent) or "?"
    depth = 0 if parent is None else key.count(".") + 1
    expected = sorted(
        (row for row in source if row[0].count(".") == depth and (parent is None or row[0].startswith(key + "."))),
        key=lambda row: fold(row[1]),
    )
    assert [(r.code, r.name) for r in index.children(parent)] == expected


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([("11", "Aceh"), ("11", "Aceh Lagi")], "appears twice"),
        ([("11", "Aceh"), ("11.01", "Bad\tname")], "control character"),
        ([("11", "Aceh"), ("11.01", " Padded")], "outer space"),
        ([("11", "Aceh"), ("11.02.01", "Orphan")], "kabupaten 11.02 is not in the list"),
    ],
)
def test_the_build_refuses_what_the_reader_could_misread(rows: list[tuple[str, str]], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        builder.build(rows)


def test_a_small_built_index_reads_back() -> None:
    rows = [("11", "Aceh"), ("11.01", "Kabupaten Aceh Selatan"), ("11.01.01", "Bakongan"), ("11.01.01.2001", "Keude")]
    index = RegionIndex(builder.build(rows))
    assert index.rows() == rows
    assert index.describe("11.01.01.2001") == "Keude, Bakongan, Kabupaten Aceh Selatan, Aceh"
    with pytest.raises(ValueError, match="not a fieldapp region index"):
        RegionIndex(b"something else\t2\t0\t0\t0\n\n")


def test_a_part_read_by_another_thread_between_two_looks_is_still_found(shipped: bytes) -> None:
    """The server checks records on several threads. Here the other thread's read of the part
    lands exactly between this thread's miss in the names and its second look: still found."""
    index = RegionIndex(shipped)

    class OtherThreadReadsMeanwhile(dict):
        def get(self, key: str, default: object = None) -> object:
            found = super().get(key, default)
            if found is None and not index.parts_read()[0]:
                other = threading.Thread(target=index._codes_below, args=(key[:5],))
                other.start()
                other.join()
            return found

    index._names = OtherThreadReadsMeanwhile(index._names)
    assert index.exists("32.16.01.2001", "desa")
