"""The console's words in Bahasa Indonesia (the default) and English.

Each part of the console keeps its own catalog: `text_accounts.TEXT` (accounts, devices, the
layout) and `text_review.TEXT` (dashboard, review, export), each mapping a key to its
(Indonesian, English) pair. A key missing from both is shown as itself, and a test that renders
every page fails on it; a key in both catalogs is refused at import.
"""

from __future__ import annotations

from sync.server.console import text_accounts, text_review

LANGUAGES = ("id", "en")
DEFAULT = "id"


def _merge(*catalogs: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for catalog in catalogs:
        twice = merged.keys() & catalog.keys()
        if twice:
            raise ValueError(f"console text keys defined twice: {sorted(twice)}")
        merged.update(catalog)
    return merged


CATALOG = _merge(text_accounts.TEXT, text_review.TEXT)


def t(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang` ("id" or "en"), with `{name}` placeholders filled from `values`."""
    pair = CATALOG.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**values) if values else text
