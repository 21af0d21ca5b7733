"""Build fieldapp/data/wilayah.tsv.gz from the Kemendagri CSV in ../shared/data/wilayah.

Why a build step: the source CSV is 2.3 MB and slow to parse with the csv module; the packaged
copy is gzip-compressed tab-separated lines ("code<TAB>name"), which loads in a few tens of
milliseconds with plain str.split. Run it again when a newer Kepmendagri list arrives:

    python scripts/build_regions.py ../shared/data/wilayah/wilayah_2025.csv
    python scripts/build_region_index.py    # then the index the package ships and reads

tests/test_region_index.py fails until the index is rebuilt from the new source.
"""

from __future__ import annotations

import csv
import gzip
import shutil
import sys
from pathlib import Path

PACKAGE_DATA = Path(__file__).resolve().parent.parent / "fieldapp" / "data"


def build(source_csv: Path) -> int:
    """Write the compact file and copy the licence notice beside it; return the row count."""
    with source_csv.open(encoding="utf-8", newline="") as handle:
        rows = [(row["kode"].strip(), row["nama"].strip()) for row in csv.DictReader(handle)]
    for code, name in rows:
        if "\t" in name or "\n" in name:
            raise ValueError(f"region {code}: name holds a tab or newline")
    text = "".join(f"{code}\t{name}\n" for code, name in rows)
    with gzip.open(PACKAGE_DATA / "wilayah.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as out:
        out.write(text)
    shutil.copyfile(source_csv.parent / "LICENSE", PACKAGE_DATA / "wilayah.LICENSE")
    return len(rows)


if __name__ == "__main__":
    print(f"{build(Path(sys.argv[1]))} regions written")
