"""`python -m fieldapp`: the same program as the `fieldapp` command.

The program entry point joins the core's commands with the sync commands; the fieldapp
library modules themselves never import sync or HTTP.
"""

import sys

if sys.argv[1:] == ["--self-test"]:  # the installation check belongs to the program (ui/selftest.py)
    from ui.main import cli

    raise SystemExit(cli())

from sync.cli import main

raise SystemExit(main())
