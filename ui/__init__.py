"""The PySide6 desktop app: screens over fieldapp.store.Store and the sync engine."""
