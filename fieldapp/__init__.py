"""fieldapp core: the registration record, its rules, the encrypted store and the CLI.

Imports no Qt and no HTTP. The one entry point the UI and the sync engine use is
`fieldapp.store.Store`.
"""

__version__ = "0.1.0"

import logging as _logging

# A library stays quiet unless the application configures logging (the CLI and the app do).
_logging.getLogger("fieldapp").addHandler(_logging.NullHandler())
