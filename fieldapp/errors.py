"""The exceptions the core raises, each with a message fit to show a user.

Every message comes in English (`str(error)`, the CLI's language) and Indonesian
(`error.message_id`, the app's language). No message ever holds personal data: messages name
fields and rules, never the values typed in.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass


class FieldappError(Exception):
    """Base of every error meant for a user; `exit_code` is what the CLI exits with."""

    exit_code = 1
    answered_on_stdout = False  # True when the command printed its answer before raising this

    def __init__(self, message_en: str, message_id: str | None = None) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_id = message_id or message_en


class UsageError(FieldappError):
    """The request itself is wrong: a missing store, an unknown record id, bad JSON."""

    exit_code = 2


class AuthError(FieldappError):
    """Wrong passphrase, unknown or disabled user."""

    exit_code = 3


class LockedOut(AuthError):
    """Too many wrong passphrases: the user must wait `wait_seconds`."""

    def __init__(self, message_en: str, message_id: str | None = None, wait_seconds: int = 0) -> None:
        super().__init__(message_en, message_id)
        self.wait_seconds = wait_seconds


class NotPermitted(AuthError):
    """The user's role does not allow the action."""


class StoreDamaged(FieldappError):
    """The store's file or its contents fail integrity checks."""

    exit_code = 4


class DiskProblem(FieldappError):
    """The disk or folder refused: full, read-only, no permission, or failing.

    Its own exit code (6), apart from damage (4): the data is fine and must not be "restored"
    over with an older backup; the remedy is space, permissions or a writable disk.
    """

    exit_code = 6


_OS_REASONS = {
    errno.ENOSPC: ("the disk is full", "disk penuh"),
    errno.EFBIG: ("the disk is full (file too large)", "disk penuh (berkas terlalu besar)"),
    errno.EDQUOT: ("the disk quota is used up", "kuota disk habis"),
    errno.EROFS: ("the disk is read-only", "disk hanya bisa dibaca"),
    errno.EACCES: ("permission denied", "tidak ada izin menulis"),
    errno.EPERM: ("permission denied", "tidak ada izin menulis"),
    errno.ENOENT: ("the folder does not exist", "folder tidak ada"),
    errno.ENOTDIR: ("the folder does not exist", "folder tidak ada"),
    errno.EIO: ("the disk is failing (input/output error)", "disk bermasalah (kesalahan baca/tulis)"),
}


def describe_os_error(exc: OSError) -> tuple[str, str]:
    """Why a file operation failed, in English and Indonesian (never the file's contents)."""
    english, indonesian = _OS_REASONS.get(exc.errno or 0, (exc.strerror or type(exc).__name__,) * 2)
    return english, indonesian


_REMEDIES = {
    errno.ENOSPC: ("free some space on the disk, then try again", "kosongkan ruang disk, lalu coba lagi"),
    errno.EFBIG: ("free some space on the disk, then try again", "kosongkan ruang disk, lalu coba lagi"),
    errno.EDQUOT: ("ask IT to raise the disk quota", "minta petugas TI menaikkan kuota disk"),
    errno.EROFS: (
        "ask IT to make the disk writable (it may be mounted read-only), or to copy the whole data "
        "folder to a writable disk and use it there (--data-dir)",
        "minta petugas TI membuat disk bisa ditulisi, atau menyalin seluruh folder data ke disk lain",
    ),
    errno.EACCES: (
        "run fieldapp as the account that owns the data folder, or ask IT to fix its permissions",
        "jalankan fieldapp dengan akun pemilik folder data, atau minta petugas TI memperbaiki izinnya",
    ),
    errno.EIO: (
        "ask IT to check the disk before saving more, and copy the data folder to a safe place",
        "minta petugas TI memeriksa disk sebelum menyimpan lagi, dan salin folder data ke tempat aman",
    ),
}
_REMEDIES[errno.EPERM] = _REMEDIES[errno.EACCES]


def disk_problem(code: int, saved_nothing: bool = True) -> DiskProblem:
    """The user-facing error for a disk or folder that refused (`code` is an errno value).

    It names the cause and the remedy, and says that nothing already saved was lost. It never
    says "damaged" or "restore a backup": that advice makes people overwrite good data.
    """
    cause_en, cause_id = _OS_REASONS.get(code, _OS_REASONS[errno.EIO])
    todo_en, todo_id = _REMEDIES.get(code, _REMEDIES[errno.EIO])
    done_en = "nothing was changed; nothing saved before was lost" if saved_nothing else "nothing was lost"
    done_id = (
        "tidak ada yang diubah; data yang sudah tersimpan tidak hilang"
        if saved_nothing
        else "tidak ada data yang hilang"
    )
    return DiskProblem(f"{cause_en}: {done_en}. To fix: {todo_en}", f"{cause_id}: {done_id}. Solusi: {todo_id}")


class StoreTooNew(FieldappError):
    """The store was written by a newer fieldapp; opening it could destroy data.

    Exit 2, like a missing store: nothing is wrong with the file, only with the program that
    was asked to open it (exit 1 is kept for bugs).
    """

    exit_code = 2


class UnsupportedFormat(StoreDamaged):
    """An encrypted value carries a header this version does not know."""


@dataclass(frozen=True)
class Problem:
    """One broken rule: which field, which rule (a stable code), and where in a batch."""

    field: str
    code: str
    index: int = 0
    limit: int | None = None

    def message(self, lang: str) -> str:
        """ "Field: what is wrong" in `lang`, e.g. "NIK: must be exactly 16 digits"."""
        from fieldapp.messages import field_label, message

        return f"{field_label(self.field, lang)}: {message(self.code, lang, self.limit)}"

    @property
    def message_en(self) -> str:
        return self.message("en")

    @property
    def message_id(self) -> str:
        return self.message("id")

    def as_dict(self) -> dict[str, object]:
        return {
            "index": self.index,
            "field": self.field,
            "code": self.code,
            "message": self.message_en,
            "message_id": self.message_id,
        }


class InvalidRecords(FieldappError):
    """One or more records break the programme's rules; nothing was saved."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        super().__init__(
            f"{count} problem(s) found; nothing was saved",
            f"{count} masalah ditemukan; tidak ada data yang disimpan",
        )
