"""`python -m fieldapp`: the same program as the `fieldapp` command.

The program entry point joins the core's commands with the sync commands; the fieldapp
library modules themselves never import sync or HTTP.
"""

from sync.cli import main

raise SystemExit(main())
