"""Why a registration is rejected: a short list of codes, and the text the laptop shows.

The code is kept in its own column for the console (counts, filters); the laptop receives one
line through the usual status pull: the reason's Indonesian label, then ": " and the verifier's
own words if any. Indonesian whatever the verifier's console language, since the laptop's
operator reads it.
"""

from __future__ import annotations

import unicodedata

from sync.server import storage as t

MAX_REASON: int = t.records.c.reason.type.length  # type: ignore[attr-defined]

# code -> (Indonesian, English)
REASONS: dict[str, tuple[str, str]] = {
    "nik_mismatch": ("NIK tidak sesuai dengan KTP", "NIK does not match the KTP"),
    "kk_unreadable": ("Kartu Keluarga tidak terbaca", "Family card (KK) unreadable"),
    "not_eligible_age": ("Belum berusia 18 tahun", "Under 18 years old"),
    "in_formal_education": ("Sedang menempuh pendidikan formal", "Currently in formal education"),
    "excluded_occupation": ("Pekerjaan yang dikecualikan", "Excluded occupation"),
    "incomplete_data": ("Data tidak lengkap", "Incomplete data"),
    "other": ("Alasan lain", "Other reason"),
}
NEEDS_TEXT = frozenset({"other"})  # "other" says nothing by itself


class ReasonRefused(ValueError):
    """A reason the form must not accept; `key` names the console text that says why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def laptop_reason(code: str, text: str) -> str:
    """The one line the laptop shows: "<Indonesian label>: <text>", or the label alone.

    Refused (ReasonRefused) for an unknown code, "other" without text, control or invisible
    characters, or a line longer than the status column holds.
    """
    if code not in REASONS:
        raise ReasonRefused("decision.error.reason_code")
    text = " ".join(text.split())
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in text):
        raise ReasonRefused("decision.error.reason_characters")
    if code in NEEDS_TEXT and not text:
        raise ReasonRefused("decision.error.reason_text")
    line = f"{REASONS[code][0]}: {text}" if text else REASONS[code][0]
    if len(line) > MAX_REASON:
        raise ReasonRefused("decision.error.reason_length")
    return line


def label(code: str | None, lang: str) -> str:
    """The reason's label in the console's language ("" for none; the code itself if unknown)."""
    if not code:
        return ""
    pair = REASONS.get(code)
    if pair is None:
        return code
    return pair[1] if lang == "en" else pair[0]
