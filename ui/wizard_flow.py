"""The first-run wizard's flow, with no Qt in it (Electrum's wizard.py, made small).

Steps: language -> supervisor (name, passphrase twice, office) -> recovery code (shown once,
confirmed written down) -> server (optional: URL and enrolment code) -> done. Each step's
answers are checked with the core's own rules before the flow moves on; the store is created
when the supervisor step is left, so going back past the recovery code is not possible.

With an IT provisioning file (`fieldapp.provision`), the file's language and office are taken
as given (the language step is passed over when the file names one, the office is fixed), and
the server step enrols from the file instead of asking: the operator only creates the
supervisor and passphrase. A file that fails its checks is reported and the flow goes on as
without one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fieldapp import users
from fieldapp.errors import FieldappError, UsageError
from fieldapp.provision import Provisioning
from fieldapp.regions import dotted, regions

STEPS = ("language", "supervisor", "recovery", "server", "done")


@dataclass
class WizardData:
    language: str = "id"
    supervisor: str = ""
    passphrase: str = ""
    office: str = ""
    recovery_code: str = ""
    recovery_confirmed: bool = False
    server_url: str = ""
    enrol_code: str = ""
    enrolled: bool = False
    errors: dict[str, UsageError] = field(default_factory=dict)


class WizardFlow:
    def __init__(
        self, provisioning: Provisioning | None = None, provisioning_problem: FieldappError | None = None
    ) -> None:
        self.step = "language"
        self.data = WizardData()
        self.store_created = False
        self.provisioning = provisioning
        self.provisioning_problem = provisioning_problem  # shown on the first page; the flow goes on without
        self.provisioning_note: FieldappError | None = None  # the spent file could not be deleted
        if provisioning is not None:
            self.data.office = provisioning.office
            if provisioning.language is not None:
                self.data.language = provisioning.language
                self.step = "supervisor"

    def choose_language(self, code: str) -> None:
        self.data.language = code
        self.step = "supervisor"

    def set_supervisor(self, name: str, passphrase: str, repeated: str, office: str) -> None:
        """Check the answers; raises UsageError naming the first problem."""
        users.check_name(name.strip())
        users.check_passphrase(passphrase, name.strip())
        if passphrase != repeated:
            raise UsageError("the two passphrases differ", "kedua kata sandi tidak sama")
        code = dotted(office) if office.strip() else ""
        if self.provisioning is not None and code != self.provisioning.office:
            raise UsageError(
                "the office is set by the provisioning file", "kantor sudah ditetapkan oleh berkas penyiapan TI"
            )
        if code is None or (code and not regions().exists(code, "desa")):
            raise UsageError(
                "the office must be a desa/kelurahan code in the Kemendagri list",
                "kantor harus berupa kode desa/kelurahan dalam daftar Kemendagri",
            )
        self.data.supervisor, self.data.passphrase, self.data.office = name.strip(), passphrase, code

    def store_made(self, recovery_code: str) -> None:
        """The store exists now: forget the passphrase, show the recovery code."""
        self.data.passphrase = ""
        self.data.recovery_code = recovery_code
        self.store_created = True
        self.step = "recovery"

    def confirm_recovery(self, written_down: bool) -> None:
        if not written_down:
            raise UsageError(
                "confirm that the recovery code is written down",
                "pastikan kode pemulihan sudah dicatat, lalu centang kotaknya",
            )
        self.data.recovery_confirmed = True
        self.data.recovery_code = ""  # shown once: not kept in memory longer than needed
        self.step = "server"

    def skip_server(self) -> None:
        self.step = "done"

    def server_enrolled(self, server_url: str, note: FieldappError | None = None) -> None:
        """Enrolled; `note` says why a spent provisioning file could not be deleted."""
        self.data.server_url = server_url
        self.data.enrolled = True
        self.provisioning_note = note
        self.step = "done"

    def can_go_back(self) -> bool:
        return self.step == "supervisor"

    def back(self) -> None:
        if self.can_go_back():
            self.step = "language"
