"""Realistic, entirely synthetic applicants for the demo, the benchmarks and the tests.

Every record is valid under the programme's rules: its NIK carries the birth date and sex, the
phone is a real Indonesian mobile range, the desa code exists. `index` makes NIKs unique (up to
about 90 million records) and puts two registrants on each KK.
"""

from __future__ import annotations

import datetime as dt
import random

from fieldapp.nik import encode_birth

FIRST_NAMES_F = ("Siti", "Dewi", "Sri", "Nur", "Rina", "Ayu", "Putri", "Wulan", "Lestari", "Indah", "Fitri", "Ratna")
FIRST_NAMES_M = ("Budi", "Agus", "Ahmad", "Dedi", "Eko", "Hendra", "Rudi", "Joko", "Bayu", "Rizki", "Fajar", "Yusuf")
FAMILY_NAMES = (
    "Rahmawati",
    "Setiawan",
    "Hidayat",
    "Saputra",
    "Wijaya",
    "Kurniawan",
    "Nugroho",
    "Susanti",
    "Pratama",
    "Permata",
    "Santoso",
    "Maulana",
    "Lubis",
    "Siregar",
    "Hasibuan",
    "Simanjuntak",
)
MOTHER_NAMES = ("Aminah", "Fatimah", "Khadijah", "Suminah", "Sutini", "Mulyani", "Kartini", "Yuliani")
STREETS = ("Jl. Melati", "Jl. Mawar", "Jl. Kenanga", "Gg. Masjid", "Jl. Raya Bekasi", "Jl. Pahlawan", "Kp. Sawah")
INTERESTS = ("Pemasaran digital", "Menjahit", "Tata boga", "Servis sepeda motor", "Desain grafis", "Akuntansi dasar")
BIRTH_SPAN_DAYS = 9000
OLDEST_BIRTH = dt.date(1966, 1, 1)
DEFAULT_DESA = "32.16.01.2001"


def applicant(index: int, desa_code: str = DEFAULT_DESA, seed: int = 0) -> dict[str, object]:
    """The `index`-th synthetic applicant, in the CLI's JSON shape."""
    rng = random.Random(seed * 1_000_003 + index)
    sex = "female" if index % 2 == 0 else "male"
    born = OLDEST_BIRTH + dt.timedelta(days=index % BIRTH_SPAN_DAYS)
    region6 = desa_code.replace(".", "")[:6]
    first = rng.choice(FIRST_NAMES_F if sex == "female" else FIRST_NAMES_M)
    family = rng.choice(FAMILY_NAMES)
    return {
        "nik": f"{region6}{encode_birth(born, sex)}{index // BIRTH_SPAN_DAYS + 1:04d}",
        "kk_number": f"{region6}{index // 2:010d}",
        "full_name": f"{first} {family}",
        "mother_name": rng.choice(MOTHER_NAMES),
        "birth_place": "Bekasi",
        "birth_date": born.isoformat(),
        "sex": sex,
        "phone": f"0812{rng.randrange(10_000_000, 99_999_999)}",
        "email": f"{first.lower()}.{family.lower()}{index}@example.com",
        "ktp_address": {
            "street": f"{rng.choice(STREETS)} No. {rng.randrange(1, 200)}",
            "rt": str(rng.randrange(1, 20)),
            "rw": str(rng.randrange(1, 12)),
            "desa_code": desa_code,
        },
        "domicile_address": None,
        "education": rng.choice(("junior_high", "senior_high", "diploma", "bachelor")),
        "employment_status": rng.choice(
            ("job_seeker", "laid_off", "furloughed", "upskilling_worker", "micro_business")
        ),
        "in_formal_education": False,
        "excluded_occupation": False,
        "training_interest": rng.choice(INTERESTS),
        "consent": True,
        "notes": "",
    }
