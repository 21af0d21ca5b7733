"""Write tests/data/store_v<N>/: a real store from this schema version, kept for upgrade tests.

Run once per released schema version (never overwrite an old one):
    python scripts/make_store_fixture.py
Every later fieldapp must open these files, upgrade them and read every record back.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from unittest import mock

from fieldapp.sample import applicant
from fieldapp.schema import SCHEMA_VERSION
from fieldapp.store import STORE_FILE, Store

FIXTURE_PASSPHRASE = "fixture passphrase v1"  # a test fixture's key, deliberately public
# The fixture's draft is dated far ahead, as by a laptop whose clock ran fast: every login purges
# drafts not saved for `draft_days`, and a draft dated today would vanish from the fixture's tests
# a month from now. Its time is sealed into it, so it cannot be moved later.
DRAFT_TIME = "2099-01-01T00:00:00.000Z"


def main() -> None:
    target = Path(__file__).resolve().parent.parent / "tests" / "data" / f"store_v{SCHEMA_VERSION}"
    if target.exists():
        sys.exit(f"{target} exists: fixtures of released versions are never rewritten")
    store, _code = Store.create(target, "supervisor", FIXTURE_PASSPHRASE, "32.16.01.2001")
    ids = store.register([applicant(i, seed=11) for i in range(3)])
    store.edit(ids[0], {"notes": "edited in the fixture"})
    store.add_user("operator1", "operator", FIXTURE_PASSPHRASE)
    half = {key: value for key, value in applicant(3, seed=11).items() if key in ("nik", "full_name", "phone")}
    with mock.patch("fieldapp.store_drafts.utc_now", return_value=DRAFT_TIME):
        draft_id = store.save_draft({**half, "notes": "draft in the fixture"})
    store.close()
    with sqlite3.connect(target / STORE_FILE) as conn:
        conn.execute("VACUUM")
    for stray in target.glob("logs"):
        stray.rmdir()
    print(f"wrote {target}: records {', '.join(ids)}; draft {draft_id}")


if __name__ == "__main__":
    main()
