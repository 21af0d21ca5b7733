"""Child process for the drafts kill test: saves a draft, then the registration from it, until killed.

For each applicant it prints `draft INDEX DRAFT_ID` once the draft is saved and `saved INDEX
RECORD_ID` once the registration from it returned. A kill point makes it SIGKILL itself inside
the third registration, after printing `killing INDEX POINT`:
  delete     as SQLite starts the draft's DELETE, after the record's INSERTs (between the two steps)
  commit     as SQLite starts that transaction's COMMIT
  committed  right after `register()` returned, before it says so
  none       never: the parent kills it at a random moment.
The points are found by SQLite's own statement trace, so the code under test is the real one.
Passphrase from the environment, never an argument.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from fieldapp.regions import regions
from fieldapp.sample import applicant
from fieldapp.store import Store

STATEMENT_AT = {"delete": "DELETE FROM drafts", "commit": "COMMIT"}
ARMED_AFTER = 2  # registrations let through before the kill point is armed


def die(index: int, point: str) -> None:
    print(f"killing {index} {point}", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    data_dir, first, point = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    store = Store.open(data_dir)
    store.login(os.environ["FIELDAPP_USER"], os.environ["FIELDAPP_PASSPHRASE"])
    regions()  # load the region list and the rules now: the kills are meant to land in saves
    import fieldapp.validation  # noqa: F401

    armed: list[int] = []  # the index whose registration is to be killed, while it runs

    def trace(statement: str) -> None:
        wanted = STATEMENT_AT.get(point)
        if armed and wanted and statement.lstrip().upper().startswith(wanted.upper()):
            die(armed[0], point)

    store._conn.set_trace_callback(trace)  # the store's own connection: the statements it really runs
    index = first
    while True:
        person = applicant(index)
        draft_id = store.save_draft({key: value for key, value in person.items() if key != "notes"})
        draft_id = store.save_draft(person, draft_id)  # a second save, as the app's autosave does
        print(f"draft {index} {draft_id}", flush=True)
        if point != "none" and index >= first + ARMED_AFTER:
            armed.append(index)
        record_id = store.register([person], draft_id=draft_id)[0]
        if armed and point == "committed":
            die(index, point)
        print(f"saved {index} {record_id}", flush=True)
        index += 1


if __name__ == "__main__":
    main()
