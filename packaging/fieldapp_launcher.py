"""The bundle's `fieldapp` program (build.spec): the same entry point as the installed console script."""

import sys

from ui.main import cli

if __name__ == "__main__":
    sys.exit(cli())
