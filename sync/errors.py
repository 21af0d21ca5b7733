"""What can go wrong in a sync, each with a user-facing message and the CLI's exit code.

The engine's rule: a transient failure (no link, a timeout, a 5xx, a body damaged on the way)
is retried with backoff and never loses a queued record; an authentication failure stops the
sync and leaves the queue as it is. A sync that ran to its end but left something unsent
(versions still queued, records in conflict) says so with its own exit code, never 0.
"""

from __future__ import annotations

from fieldapp.errors import AuthError, FieldappError

EXIT_UNREACHABLE = 5
EXIT_UNSENT = 7
EXIT_AUDIT_FLAGGED = 4  # the store-damaged-or-tampered code (fieldapp.errors.StoreDamaged)


class SyncError(FieldappError):
    """Base of sync failures."""


class Transient(SyncError):
    """Worth another try after a pause: the link, a timeout, a 5xx, a damaged body."""

    exit_code = EXIT_UNREACHABLE

    def __init__(self, message_en: str, message_id: str | None = None, retry_after: float | None = None) -> None:
        super().__init__(message_en, message_id)
        self.retry_after = retry_after


class Unreachable(Transient):
    """The server could not be reached (the probe failed, or retries ran out)."""


class CertificateUnverified(Unreachable):
    """The server's TLS certificate did not verify: a wrong pinned CA, or a hotspot's login page."""

    certificate_problem = True  # read by fieldapp.provision, which may not import sync


class BatchTooLarge(Transient):
    """The server answered 413: send fewer records at a time."""


class NotEnrolled(AuthError):
    """No device token, or the server does not accept it (revoked)."""


class ServerRefused(SyncError):
    """A 4xx that retrying will not fix: a bug on one side, reported, queue kept."""


class OfficeMismatch(SyncError):
    """The enrolment code is for another office than this laptop's; the server spent nothing."""

    exit_code = 2


class Unsent(SyncError):
    """The sync ran to its end, but versions are still queued or records are in conflict."""

    exit_code = EXIT_UNSENT
    answered_on_stdout = True  # the report (JSON or text) is printed before this is raised


class AnchorMoved(ServerRefused):
    """The server's audit anchor changed between reading it and sending ours: read it again."""


class AuditFlagged(SyncError):
    """The sync ran, but the server says this store's audit log went back or was rewritten.

    Exit 4, as for any tampering the laptop finds itself; the report is printed first.
    """

    exit_code = EXIT_AUDIT_FLAGGED
    answered_on_stdout = True


class InsecureServer(SyncError):
    """A server URL that would send data without TLS to a machine other than this one."""

    exit_code = 2


class Cancelled(SyncError):
    """The user stopped the sync; what was answered is kept, the rest stays queued."""

    def __init__(self) -> None:
        super().__init__(
            "sync cancelled; what the server answered is kept, the rest stays queued",
            "sinkronisasi dibatalkan; yang sudah dijawab server tersimpan, sisanya tetap dalam antrean",
        )
