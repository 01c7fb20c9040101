"""Batches from a broker into the ingest, whichever broker delivered them.

A transport (``jetstream.Worker`` for NATS JetStream, the production path; ``mqtt.Worker``
for Mosquitto, the development option) collects deliveries and hands a batch to
``BatchHandler.handle``. It then acknowledges exactly the deliveries the handler says are
*settled* — stored, or set aside in the dead-letter table — and never one before the
transaction that settled it committed.

What happens to a batch:

1. A message that cannot be parsed or validated (not JSON, nested 5,000 levels deep, an
   unknown device …) is dead-lettered by the ingest itself with its reason; the rest of
   the batch is stored as usual.
2. A batch that fails as a whole (a deadlock, a lost connection, a bug one message
   triggers) is tried again, ``attempts`` times in all, with back-off.
3. Then each message alone: those that store are settled; one that still fails on its
   own is dead-lettered with the error (reason ``failed``) and settled.
4. A message that cannot even be dead-lettered (the database is unreachable) stays
   unsettled: the transport leaves it unacknowledged in the broker, which keeps it, and
   pauses before it tries again. Never a hot loop, never a silent drop.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from anjian.monitoring import ingest
from anjian.monitoring.choices import RejectReason

logger = logging.getLogger("anjian.monitoring.consumer")


@dataclass
class Delivery:
    topic: str
    payload: bytes
    handle: Any = None  # what the transport needs to acknowledge this delivery


@dataclass
class Handled:
    settled: list[Delivery] = field(default_factory=list)
    unsettled: list[Delivery] = field(default_factory=list)
    stored: int = 0
    rejected: int = 0
    alarms: int = 0

    def add(self, result: ingest.Result) -> None:
        self.stored += result.stored
        self.rejected += result.rejected
        self.alarms += len(result.raised)


@dataclass
class Stats:
    messages: int = 0
    batches: int = 0
    stored: int = 0
    rejected: int = 0
    alarms: int = 0
    failed_batches: int = 0
    unsettled: int = 0

    def add(self, handled: Handled) -> None:
        self.messages += len(handled.settled)
        self.batches += 1
        self.stored += handled.stored
        self.rejected += handled.rejected
        self.alarms += handled.alarms
        self.unsettled += len(handled.unsettled)


def _fresh_connection() -> None:
    """A long-lived worker drops a broken connection before it tries again (never one
    inside a transaction a caller holds, e.g. a test's)."""
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


class BatchHandler:
    def __init__(
        self,
        *,
        channel: str = "mqtt",
        attempts: int = 4,
        pause: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.channel = channel
        self.attempts = max(1, attempts)
        self.pause = pause
        self.sleep = sleep

    def handle(self, deliveries: list[Delivery]) -> Handled:
        messages = [ingest.Message(self.channel, d.topic, d.payload) for d in deliveries]
        handled = Handled()
        for attempt in range(self.attempts):
            _fresh_connection()
            try:
                handled.add(ingest.accept(messages))
            except Exception as error:  # see the module docstring: the failure policy
                logger.warning(
                    "批次（%d 条消息）入库失败（第 %d/%d 次）：%s",
                    len(messages), attempt + 1, self.attempts, error,
                )  # fmt: skip
                if attempt + 1 < self.attempts:
                    self.sleep(self.pause * 2**attempt)
                continue
            handled.settled = list(deliveries)
            return handled
        return self._one_by_one(deliveries, messages, handled)

    def _one_by_one(self, deliveries, messages, handled: Handled) -> Handled:
        for position, (delivery, message) in enumerate(zip(deliveries, messages, strict=True)):
            _fresh_connection()
            try:
                handled.add(ingest.accept([message]))
                handled.settled.append(delivery)
                continue
            except Exception as error:  # see the failure policy
                failure = error
            try:
                ingest.dead_letter(
                    message,
                    reason=RejectReason.FAILED,
                    detail=f"{type(failure).__name__}: {failure}",
                )
            except Exception as error:  # the database itself is unreachable
                logger.error("无法写入未入库报文表（%s），消息留在消息服务器中稍后重试", error)
                handled.unsettled.extend(deliveries[position:])
                return handled
            logger.error("消息 %s 单独入库仍失败，已记入未入库报文表：%s", message.topic, failure)
            handled.rejected += 1
            handled.settled.append(delivery)
        return handled


class Backoff:
    """Pauses that double from ``first`` up to ``most`` while the database stays away."""

    def __init__(self, first: float = 1.0, most: float = 60.0):
        self.first, self.most, self.current = first, most, 0.0

    def next(self) -> float:
        self.current = min(self.most, self.current * 2 if self.current else self.first)
        return self.current

    def reset(self) -> None:
        self.current = 0.0


class BatchWorker:
    """What both transports share: the loop that takes batches and processes them.
    Subclasses provide ``next_batch(wait)`` (what is waiting, or [] after ``wait``
    seconds) and ``process(batch)``, and keep ``stats``."""

    stats: Stats

    def next_batch(self, wait: float) -> list:
        raise NotImplementedError

    def process(self, batch: list) -> Handled:
        raise NotImplementedError

    def run(self, *, stop: threading.Event | None = None, max_messages: int | None = None,
            idle_timeout: float | None = None) -> Stats:  # fmt: skip
        """Process batches until ``stop`` is set, ``max_messages`` were processed, or no
        message came for ``idle_timeout`` seconds."""
        idle_since = time.monotonic()
        while not (stop and stop.is_set()):
            if max_messages is not None and self.stats.messages >= max_messages:
                break
            batch = self.next_batch(wait=0.5)
            if not batch:
                if idle_timeout is not None and time.monotonic() - idle_since > idle_timeout:
                    break
                continue
            self.process(batch)
            idle_since = time.monotonic()
        return self.stats
