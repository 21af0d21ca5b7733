"""The registration record: the programme's own fields, as data classes and as JSON.

The JSON field names are part of the CLI contract (`fieldapp register`, `show --json`) and of
the sync wire format, so they are spelled once here. Rules live in `validation.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SEXES = ("male", "female")
EDUCATION_LEVELS = (
    "none",
    "primary",
    "junior_high",
    "senior_high",
    "diploma",
    "bachelor",
    "master",
    "doctorate",
)
EMPLOYMENT_STATUSES = ("job_seeker", "laid_off", "furloughed", "upskilling_worker", "micro_business")

ADDRESS_FIELDS = ("street", "rt", "rw", "desa_code")
RECORD_FIELDS = (
    "nik",
    "kk_number",
    "full_name",
    "mother_name",
    "birth_place",
    "birth_date",
    "sex",
    "phone",
    "email",
    "ktp_address",
    "domicile_address",
    "education",
    "employment_status",
    "in_formal_education",
    "excluded_occupation",
    "training_interest",
    "consent",
    "notes",
)


@dataclass(frozen=True)
class Address:
    street: str
    rt: str
    rw: str
    desa_code: str


@dataclass(frozen=True)
class Registration:
    nik: str
    kk_number: str
    full_name: str
    mother_name: str
    birth_place: str
    birth_date: dt.date
    sex: str
    phone: str
    email: str
    ktp_address: Address
    domicile_address: Address | None
    education: str
    employment_status: str
    in_formal_education: bool
    excluded_occupation: bool
    training_interest: str
    consent: bool
    notes: str

    def to_json(self) -> dict[str, object]:
        """The record in the contract's JSON shape (dates as YYYY-MM-DD)."""
        data = dict(self.__dict__)  # shallow: asdict() deep-copies and costs a tenth of a save
        data["birth_date"] = self.birth_date.isoformat()
        data["ktp_address"] = dict(self.ktp_address.__dict__)
        if self.domicile_address is not None:
            data["domicile_address"] = dict(self.domicile_address.__dict__)
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Registration:
        """Rebuild a record that was validated before (read back from the store)."""
        fields = dict(data)
        fields["birth_date"] = dt.date.fromisoformat(str(data["birth_date"]))
        fields["ktp_address"] = Address(**data["ktp_address"])  # type: ignore[arg-type]
        domicile = data.get("domicile_address")
        fields["domicile_address"] = Address(**domicile) if domicile else None  # type: ignore[arg-type]
        return cls(**fields)  # type: ignore[arg-type]

    @property
    def domicile(self) -> Address:
        """Where the applicant lives: the KTP address unless another was given."""
        return self.domicile_address or self.ktp_address
