"""The bundle's `fieldapp-gui` program on Windows (build.spec): the app without a console window."""

import sys

from ui.main import gui

if __name__ == "__main__":
    sys.exit(gui())
