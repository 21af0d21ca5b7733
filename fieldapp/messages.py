"""Every rule's message, in English and Indonesian, keyed by its stable error code.

One place for the wording: the CLI shows English, the desktop app Indonesian. Messages name the
field and the rule, never the value typed in, so they are safe for logs and screens.
"""

from __future__ import annotations

RULES: dict[str, tuple[str, str]] = {
    "not_object": ("each record must be a JSON object", "setiap data harus berupa objek JSON"),
    "unknown_field": ("is not a known field", "bukan kolom yang dikenal"),
    "required": ("is required", "wajib diisi"),
    "wrong_type": ("has the wrong type", "jenis isiannya salah"),
    "invalid_choice": ("is not one of the allowed values", "bukan salah satu pilihan yang sah"),
    "empty": ("must not be empty", "tidak boleh kosong"),
    "too_long": ("is too long (at most {limit} characters)", "terlalu panjang (paling banyak {limit} karakter)"),
    "hidden_character": (
        "contains a hidden or control character (zero-width space, text direction mark, control code); retype it",
        "berisi karakter tersembunyi atau kontrol (spasi lebar-nol, tanda arah teks, kode kontrol); ketik ulang",
    ),
    "nik_format": ("must be exactly 16 digits", "harus tepat 16 digit angka"),
    "nik_province": (
        "does not start with a known province code",
        "tidak diawali kode provinsi yang dikenal",
    ),
    "nik_date": (
        "digits 7-12 are not a valid birth date (DDMMYY, day + 40 for women)",
        "digit ke-7 s.d. 12 bukan tanggal lahir yang sah (DDMMYY, tanggal + 40 untuk perempuan)",
    ),
    "nik_serial": ("serial digits 13-16 must not be 0000", "nomor urut (digit 13-16) tidak boleh 0000"),
    "nik_birth_mismatch": (
        "does not agree with the birth date and sex (women: day + 40)",
        "tidak cocok dengan tanggal lahir dan jenis kelamin (perempuan: tanggal + 40)",
    ),
    "kk_format": ("must be exactly 16 digits", "harus tepat 16 digit angka"),
    "date_format": ("must be a real date written YYYY-MM-DD", "harus tanggal yang sah dengan format TTTT-BB-HH"),
    "birth_in_future": ("is in the future", "berada di masa depan"),
    "birth_too_early": ("must be 1900-01-01 or later", "harus 1900-01-01 atau sesudahnya"),
    "under_age": (
        "the applicant must be 18 or over on the day of registration",
        "pendaftar harus berusia minimal 18 tahun pada hari pendaftaran",
    ),
    "in_formal_education": (
        "applicants still in formal education are not eligible",
        "pendaftar yang masih menempuh pendidikan formal tidak memenuhi syarat",
    ),
    "excluded_occupation": (
        "civil servants, TNI/Polri, village officials, DPR/DPRD members and BUMN/BUMD directors are not eligible",
        "ASN, TNI/Polri, perangkat desa, anggota DPR/DPRD dan direksi BUMN/BUMD tidak memenuhi syarat",
    ),
    "consent_missing": (
        "the applicant must consent to data processing (UU PDP No. 27/2022)",
        "pendaftar harus menyetujui pemrosesan data (UU PDP No. 27/2022)",
    ),
    "phone_format": (
        "is not an Indonesian mobile number (08..., 628... or +628...)",
        "bukan nomor HP Indonesia (08..., 628... atau +628...)",
    ),
    "email_format": ("is not a well-formed email address", "bukan alamat email yang sah"),
    "rt_rw_format": ("must be 1 to 3 digits", "harus 1 sampai 3 digit angka"),
    "desa_unknown": (
        "is not a desa/kelurahan code in the Kemendagri list",
        "bukan kode desa/kelurahan dalam daftar Kemendagri",
    ),
    "duplicate_nik": ("is already registered on this laptop", "sudah terdaftar di laptop ini"),
    "kk_limit": (
        "already has two registrants; the programme allows at most two per KK",
        "sudah memiliki dua pendaftar; program hanya mengizinkan dua per KK",
    ),
}

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "nik": ("NIK", "NIK"),
    "kk_number": ("KK number", "Nomor KK"),
    "full_name": ("Full name", "Nama lengkap"),
    "mother_name": ("Mother's maiden name", "Nama ibu kandung"),
    "birth_place": ("Place of birth", "Tempat lahir"),
    "birth_date": ("Date of birth", "Tanggal lahir"),
    "sex": ("Sex", "Jenis kelamin"),
    "phone": ("Mobile phone", "Nomor HP"),
    "email": ("Email", "Email"),
    "ktp_address": ("KTP address", "Alamat KTP"),
    "domicile_address": ("Domicile address", "Alamat domisili"),
    "street": ("street", "jalan"),
    "rt": ("RT", "RT"),
    "rw": ("RW", "RW"),
    "desa_code": ("desa/kelurahan", "desa/kelurahan"),
    "education": ("Last education", "Pendidikan terakhir"),
    "employment_status": ("Employment status", "Status pekerjaan"),
    "in_formal_education": ("In formal education", "Sedang sekolah/kuliah"),
    "excluded_occupation": ("Excluded occupation", "Pekerjaan yang dikecualikan"),
    "training_interest": ("Training interest", "Minat pelatihan"),
    "consent": ("Consent", "Persetujuan"),
    "notes": ("Notes", "Catatan"),
    "record": ("Record", "Data"),
}


def message(code: str, lang: str, limit: int | None = None) -> str:
    """The rule's sentence in `lang` ("en" or "id"); unknown codes are shown as themselves."""
    english, indonesian = RULES.get(code, (code, code))
    text = indonesian if lang == "id" else english
    return text.format(limit=limit) if limit is not None else text


def field_label(field: str, lang: str) -> str:
    """A dotted field path in words, e.g. "ktp_address.rt" -> "KTP address, RT"."""
    parts = []
    for part in field.split("."):
        english, indonesian = FIELD_LABELS.get(part, (part, part))
        parts.append(indonesian if lang == "id" else english)
    return shown(", ".join(parts))  # an unknown field's name is as typed


def shown(text: str, limit: int | None = None) -> str:
    """`text` fit for a terminal: what is not printable becomes a visible escape.

    Control characters (ESC starts terminal commands), bidi overrides and zero-width characters
    in stored data or unknown keys would otherwise act on the terminal or hide text; they are
    shown as `\\x1b`, `\\u202e` and so on. `limit` cuts a long text (with "...").
    """
    if limit is not None and len(text) > limit:
        text = text[:limit] + "..."
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shown_json(text: str) -> str:
    """JSON text with every unprintable character inside its strings as a `\\uXXXX` escape.

    The data is the same (JSON escapes mean the characters themselves); a terminal just never
    receives them raw. Line breaks are the document's own indentation and stay.
    """
    lines = text.split("\n")
    if all(line.isprintable() for line in lines):
        return text
    return "\n".join(line if line.isprintable() else "".join(map(_json_char, line)) for line in lines)


def _json_char(char: str) -> str:
    if char.isprintable():
        return char
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"
