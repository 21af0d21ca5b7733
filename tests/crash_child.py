"""Child process for the crash test: registers applicants until it is killed.

Before each save it prints `saving FIRST COUNT`; after the save returns, `saved ID ...`. The
parent kills it with SIGKILL at random moments and checks the store against what it printed.
Passphrase from the environment, never an argument.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from fieldapp.regions import regions
from fieldapp.sample import applicant
from fieldapp.store import Store


def main() -> None:
    data_dir, first = Path(sys.argv[1]), int(sys.argv[2])
    store = Store.open(data_dir)
    store.login(os.environ["FIELDAPP_USER"], os.environ["FIELDAPP_PASSPHRASE"])
    regions()  # load the region list and the rules now: the kills are meant to land in saves
    import fieldapp.validation  # noqa: F401

    index = first
    while True:
        count = 5 if index % 3 == 0 else 1  # mix single saves and batches
        print(f"saving {index} {count}", flush=True)
        ids = store.register([applicant(i) for i in range(index, index + count)])
        print("saved " + " ".join(ids), flush=True)
        index += count


if __name__ == "__main__":
    main()
