"""Words for the record's coded values, in the app's language: states, sex, education, work.

One place, so the form, the list, the record view and the reports say the same thing.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def state_name(state: str) -> str:
    names = {
        "pending": QCoreApplication.translate("labels", "Menunggu kirim"),
        "synced": QCoreApplication.translate("labels", "Terkirim"),
        "verified": QCoreApplication.translate("labels", "Terverifikasi"),
        "duplicate": QCoreApplication.translate("labels", "Duplikat"),
        "conflict": QCoreApplication.translate("labels", "Konflik"),
        "rejected": QCoreApplication.translate("labels", "Ditolak"),
    }
    return names.get(state, state)


def sex_name(sex: str) -> str:
    names = {
        "male": QCoreApplication.translate("labels", "Laki-laki"),
        "female": QCoreApplication.translate("labels", "Perempuan"),
    }
    return names.get(sex, sex)


def education_name(level: str) -> str:
    names = {
        "none": QCoreApplication.translate("labels", "Tidak/belum sekolah"),
        "primary": QCoreApplication.translate("labels", "SD/sederajat"),
        "junior_high": QCoreApplication.translate("labels", "SMP/sederajat"),
        "senior_high": QCoreApplication.translate("labels", "SMA/SMK/sederajat"),
        "diploma": QCoreApplication.translate("labels", "Diploma (D1–D4)"),
        "bachelor": QCoreApplication.translate("labels", "Sarjana (S1)"),
        "master": QCoreApplication.translate("labels", "Magister (S2)"),
        "doctorate": QCoreApplication.translate("labels", "Doktor (S3)"),
    }
    return names.get(level, level)


def employment_name(status: str) -> str:
    names = {
        "job_seeker": QCoreApplication.translate("labels", "Pencari kerja"),
        "laid_off": QCoreApplication.translate("labels", "Korban PHK"),
        "furloughed": QCoreApplication.translate("labels", "Dirumahkan"),
        "upskilling_worker": QCoreApplication.translate("labels", "Pekerja yang ingin menambah keterampilan"),
        "micro_business": QCoreApplication.translate("labels", "Pelaku usaha mikro/kecil"),
    }
    return names.get(status, status)


def yes_no(value: bool) -> str:
    return QCoreApplication.translate("labels", "Ya") if value else QCoreApplication.translate("labels", "Tidak")
