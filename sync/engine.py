"""The sync engine: drain the outbox to the server, then pull status changes back.

Rules it keeps:
- A queued version leaves the outbox only when the server's verdict for it is written, in one
  transaction with the record's new state. Killing the process anywhere loses nothing; the
  next run re-sends what had no verdict, and the server answers `already_have`.
- Batches are sized adaptively: start small, double while the server answers quickly, halve on
  a timeout or a 413.
- Transient failures back off exponentially with full jitter (capped), and give up after a
  number of failures in a row, leaving the queue as it is.
- A run that ends says what it left unsent (versions still queued, records in conflict), so
  no front end reports "done" while the server lacks something.
- Last, on a server that speaks revision 4, the audit log's head is anchored on the server,
  which says whether the chain went back or was rewritten since the last sync. Every verdict
  is written by then: trouble here never leaves a record unsent or sends one twice.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from fieldapp.outbox import OutboxEntry, QueuedVersion, Verdict
from fieldapp.store import Store
from sync import protocol
from sync.client import SyncClient, encode_push
from sync.errors import (
    AnchorMoved,
    BatchTooLarge,
    Cancelled,
    NotEnrolled,
    ServerRefused,
    SyncError,
    Transient,
    Unreachable,
)
from sync.notes import note_for

log = logging.getLogger(__name__)
T = TypeVar("T")
AUDIT_FLAGS = ("rolled_back", "forked")  # the server's verdicts on our audit log that need a person


@dataclass
class BatchSize:
    """Start small, grow while answers come fast, shrink on trouble."""

    size: int = 25
    smallest: int = 1
    largest: int = protocol.MAX_BATCH_RECORDS
    fast_seconds: float = 2.0

    def after_success(self, seconds: float) -> None:
        if seconds < self.fast_seconds:
            self.size = min(self.size * 2, self.largest)

    def after_trouble(self) -> None:
        self.size = max(self.size // 2, self.smallest)


@dataclass
class Backoff:
    """Full jitter: sleep a random time in [0, min(cap, base * 2**failures)]."""

    base: float = 0.5
    cap: float = 30.0
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, retry_after: float | None = None) -> float:
        ceiling = min(self.cap, self.base * 2**self.failures)
        self.failures += 1
        jittered = self.rng.uniform(0, ceiling)
        return max(jittered, min(retry_after or 0.0, self.cap))

    def reset(self) -> None:
        self.failures = 0


@dataclass(frozen=True)
class OutgoingBatch:
    """Queued versions and their request body, encoded before it is their turn to go."""

    queued: list[QueuedVersion]
    body: bytes

    @classmethod
    def of(cls, queued: list[QueuedVersion]) -> OutgoingBatch:
        return cls(queued, encode_push([envelope(q) for q in queued]))

    @property
    def keys(self) -> set[tuple[str, int]]:
        return {(q.entry.record_id, q.entry.version) for q in self.queued}


@dataclass
class Progress:
    phase: str  # "push" or "pull"
    done: int
    total: int


@dataclass
class SyncReport:
    outcomes: Counter[str] = field(default_factory=Counter)
    pulled: int = 0
    retries: int = 0
    error: str | None = None
    left_queued: int = 0  # versions still in the queue when the run ended (saved meanwhile)
    left_conflict: int = 0  # records the server holds otherwise: their versions are not there
    left_damaged: list[tuple[str, int]] = field(default_factory=list)  # queued, failing their check
    audit_anchor: str | None = None  # the server's verdict on our audit head; None: not anchored

    @property
    def pushed(self) -> int:
        return sum(self.outcomes.values())

    @property
    def audit_flag(self) -> str | None:
        """ "rolled_back" or "forked" when the server says our audit log went back or was rewritten."""
        return self.audit_anchor if self.audit_anchor in AUDIT_FLAGS else None

    @property
    def unsent(self) -> int:
        """What the server still lacks: queued versions plus records in conflict."""
        return self.left_queued + self.left_conflict

    def summary(self) -> str:
        parts = [f"{outcome}={count}" for outcome, count in sorted(self.outcomes.items())]
        left = [f"unsent={self.unsent}"] if self.unsent else []
        audit = [f"audit={self.audit_anchor}"] if self.audit_anchor not in (None, "ok") else []
        counts = [f"pushed={self.pushed}", *parts, f"pulled={self.pulled}", f"retries={self.retries}"]
        return " ".join([*counts, *left, *audit])

    def unsent_reasons(self) -> list[str]:
        """What is left and why, one line each (English: the CLI's language)."""
        reasons = []
        if self.left_conflict:
            reasons.append(
                f"{self.left_conflict} record(s) in conflict: the server holds other content for the same "
                "version, or the record belongs to another laptop (see 'fieldapp list --status conflict')"
            )
        if self.left_damaged:
            named = ", ".join(f"{record_id} v{version}" for record_id, version in self.left_damaged)
            reasons.append(
                f"{len(self.left_damaged)} queued version(s) are damaged and cannot be sent ({named}): "
                "run 'fieldapp verify' and tell IT"
            )
        waiting = self.left_queued - len(self.left_damaged)
        if waiting > 0:
            reasons.append(f"{waiting} version(s) still queued, saved while sync ran: run sync again")
        return reasons


class SyncEngine:
    def __init__(
        self,
        store: Store,
        client: SyncClient,
        progress: Callable[[Progress], None] | None = None,
        max_failures_in_a_row: int = 8,
        backoff: Backoff | None = None,
        sleep: Callable[[float], None] = time.sleep,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> None:
        self.store = store
        self.client = client
        self.batch = BatchSize()
        self.backoff = backoff or Backoff()
        self._progress = progress or (lambda _p: None)
        self._max_failures = max_failures_in_a_row
        self._sleep = sleep
        self._cancelled = cancelled

    def run(self) -> SyncReport:
        """Probe, push everything queued, pull; record how it ended either way."""
        report = SyncReport()
        try:
            health = self.client.health()
            self.push_all(report)
            self.pull_all(report)
            self._count_left(report)
            if health.protocol >= protocol.AUDIT_ANCHOR_REVISION:  # an older server has no anchors
                self.anchor_audit(report)
        except (SyncError, NotEnrolled) as exc:
            report.error = exc.message_en
            self.store.sync_finished(report.summary(), report.error)
            raise
        self.store.sync_finished(report.summary(), None)
        return report

    def _count_left(self, report: SyncReport) -> None:
        status = self.store.sync_status()
        report.left_queued = int(status["queued_versions"])  # type: ignore[call-overload]
        report.left_conflict = int(status["conflict"])  # type: ignore[call-overload]
        if report.left_queued:
            report.left_damaged = self.store.unreadable_queued()

    def push_all(self, report: SyncReport) -> None:
        """Send batches in order, keeping the laptop's work and the server's overlapping.

        While a batch is with the server, the next one is decrypted and encoded; as soon as an
        answer comes, the next batch goes out and the answered one is settled meanwhile. On a
        fast link that nearly halves the time (two cores). Batches are only prepared ahead,
        never sent ahead of an unanswered one: after a failure the same batch (smaller) goes
        again, so versions still arrive in order.
        """
        total = int(self.store.sync_status()["queued_versions"])  # type: ignore[call-overload]
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fieldapp-push") as sender:
            current = self._prepare(after_seq=0)
            in_flight = sender.submit(self._timed_push, current) if current else None
            while in_flight is not None and current is not None:
                upcoming = self._prepare(after_seq=current.queued[-1].entry.seq)
                try:
                    response, seconds = in_flight.result()
                except Transient as exc:
                    if not isinstance(exc, BatchTooLarge):
                        self._wait_after(exc, [q.entry for q in current.queued], report)
                    elif len(current.queued) == 1:  # cannot happen within the record's limits: a bug
                        raise ServerRefused("the server refuses even a single record as too large") from None
                    self.batch.after_trouble()
                    current = OutgoingBatch.of(current.queued[: self.batch.size])
                    in_flight = sender.submit(self._timed_push, current)
                    continue
                self.batch.after_success(seconds)
                self.backoff.reset()
                answered, current = current, upcoming
                in_flight = sender.submit(self._timed_push, current) if current else None
                self._settle(answered, response, report)
                self._progress(Progress("push", report.pushed, max(total, report.pushed)))
                if self._cancelled():
                    self._keep_answer(in_flight, current, report)
                    raise Cancelled()

    def _keep_answer(self, in_flight: Future | None, batch: OutgoingBatch | None, report: SyncReport) -> None:
        """Settle the batch already with the server, if it answers: its records need not go again."""
        if in_flight is None or batch is None:
            return
        try:
            response, _seconds = in_flight.result()
        except SyncError:
            return  # it stays queued and goes again next time; the server is idempotent
        self._settle(batch, response, report)

    def _prepare(self, after_seq: int) -> OutgoingBatch | None:
        queued = self.store.queued_versions(self.batch.size, after_seq=after_seq)
        return OutgoingBatch.of(queued) if queued else None

    def _settle(self, answered: OutgoingBatch, response: protocol.PushResponse, report: SyncReport) -> None:
        sent = {(q.entry.record_id, q.entry.version): q.entry for q in answered.queued}
        verdicts = [verdict(sent[(r.id, r.version)], r) for r in response.results]
        self.store.settle(verdicts)
        report.outcomes.update(v.outcome for v in verdicts)

    def _timed_push(self, batch: OutgoingBatch) -> tuple[protocol.PushResponse, float]:
        started = time.monotonic()
        return self.client.push_encoded(batch.body, batch.keys), time.monotonic() - started

    def _wait_after(self, exc: Transient, entries: list, report: SyncReport) -> None:
        report.retries += 1
        self.store.sync_attempt_failed(entries, exc.message_en)
        if self.backoff.failures >= self._max_failures:
            raise Unreachable(
                f"gave up after {self.backoff.failures} failed attempts in a row: {exc.message_en}",
                f"berhenti setelah {self.backoff.failures} percobaan gagal berturut-turut",
            )
        pause = self.backoff.delay(exc.retry_after)
        log.info("sync attempt failed (%s); retrying in %.1f s", exc.message_en, pause)
        self._sleep(pause)
        if self._cancelled():
            raise Cancelled()

    def pull_all(self, report: SyncReport) -> None:
        while True:
            if self._cancelled():
                raise Cancelled()
            try:
                page = self.client.pull(self.store.pull_cursor())
            except Transient as exc:
                self._wait_after(exc, [], report)
                continue
            self.backoff.reset()
            changes = [(c.id, c.status, c.reason or "", c.version) for c in page.changes]
            self.store.apply_status_changes(changes, page.cursor)
            report.pulled += len(changes)
            self._progress(Progress("pull", report.pulled, report.pulled))
            if not page.more:
                return

    def anchor_audit(self, report: SyncReport) -> None:
        """Anchor our audit head on the server and keep its verdict (`report.audit_anchor`).

        The head is the chain as it is now: this run's own "sync" entry, written after, is
        anchored by the next run. The server's anchor may move between reading it and sending
        ours (another sync of the same store): then it is read once more.
        """
        head = self.store.audit_head()
        if head.seq == 0:
            return
        restored = self.store.restore_declared()
        for last_try in (False, True):
            held = self._retrying(self.client.audit_anchor_held, report)
            claim = protocol.AnchorRequest(
                seq=head.seq,
                head=head.head,
                known_seq=held,
                known_head=self.store.audit_mac_at(held) if held else None,
                restored=restored,
            )
            try:
                answer = self._retrying(partial(self.client.anchor_audit, claim), report)
            except AnchorMoved:
                if last_try:
                    raise
                continue
            self.store.audit_anchored(answer.outcome, answer.seq)
            report.audit_anchor = answer.outcome
            return

    def _retrying(self, call: Callable[[], T], report: SyncReport) -> T:
        """`call()`, again after a pause while it fails on the way (as push and pull do)."""
        while True:
            try:
                result = call()
            except Transient as exc:
                self._wait_after(exc, [], report)
                continue
            self.backoff.reset()
            return result


def envelope(queued: QueuedVersion) -> protocol.RecordEnvelope:
    return protocol.RecordEnvelope(
        id=queued.entry.record_id,
        version=queued.entry.version,
        content_hash=protocol.content_hash(queued.record),
        created_at=queued.created_at,
        updated_at=queued.updated_at,
        operator=queued.operator,
        record=queued.record,
    )


def verdict(entry: OutboxEntry, result: protocol.PushResult) -> Verdict:
    return Verdict(entry, result.outcome, note_for(result))
