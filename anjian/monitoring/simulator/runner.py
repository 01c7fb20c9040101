"""The runner: ``rate`` device reports per second across all devices, each report being one
device's readings of all its metrics at one timestamp. Devices take turns round-robin, so
each reports every ``devices / rate`` seconds; a silent device's turn is skipped. When the
transport is unreachable the runner says so in Chinese and retries with backoff (1 s
doubling to 30 s), dropping what fell due meanwhile. With ``duty`` (``duty.DutyDesk``) it
also lets the demo's duty persons handle the alarms that are due, at the start and every
``duty_every`` seconds."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from anjian.monitoring.simulator.duty import Handled
from anjian.monitoring.simulator.generator import Generator
from anjian.monitoring.simulator.transports import Delivery, Report, Unreachable


@dataclass
class Stats:
    sent: int = 0
    silent: int = 0  # turns skipped because the device is silent
    errors: int = 0
    dropped: int = 0  # turns not sent in time (during a retry pause)
    rejected: int = 0
    alarms: int = 0
    acknowledged: int = 0  # by the demo's duty persons (``duty``)
    disposed: int = 0


class Runner:
    """Sends ``rate`` device reports per second (round-robin over the generator's devices)
    through ``transport`` until ``duration`` seconds passed or ``stop`` is set."""

    TICK = 0.1
    MAX_LAG = 2.0  # seconds of backlog kept; older turns are dropped
    MAX_BACKOFF = 30.0

    def __init__(
        self,
        generator: Generator,
        transport,
        *,
        rate: float,
        duration: float | None = None,
        report_every: float = 5.0,
        out: Callable[[str], None] = print,
        clock: Callable[[], float] = time.time,
        duty: Callable[[float], Handled] | None = None,
        duty_every: float = 30.0,
    ):
        if rate <= 0:
            raise ValueError("rate must be positive")
        if not generator.devices:
            raise ValueError("no devices")
        self.generator, self.transport = generator, transport
        self.rate, self.duration, self.report_every = rate, duration, report_every
        self.out, self.clock = out, clock
        self.duty, self.duty_every = duty, duty_every
        self.stats = Stats()

    def progress_line(self, elapsed: float) -> str:
        s = self.stats
        line = (
            f"已发送 {s.sent} 条（{s.sent / max(elapsed, 1e-9):.1f} 条/秒），"
            f"静默跳过 {s.silent}，错误 {s.errors}"
        )
        if s.dropped:
            line += f"，未按时发送而放弃 {s.dropped}"
        if s.rejected or s.alarms:
            line += f"，未入库 {s.rejected}，新报警 {s.alarms}"
        if s.acknowledged or s.disposed:
            line += f"，值班人员确认 {s.acknowledged}、处置 {s.disposed}"
        return line

    def _on_duty(self, now: float) -> None:
        handled = self.duty(now)
        self.stats.acknowledged += handled.acknowledged
        self.stats.disposed += handled.disposed

    def _add(self, delivery: Delivery) -> None:
        self.stats.sent += delivery.sent
        self.stats.errors += delivery.errors
        self.stats.rejected += delivery.rejected
        self.stats.alarms += delivery.alarms

    def _due(self, start: float, turn: int, now: float) -> tuple[list[Report], int]:
        due = int((now - start) * self.rate)
        lag = int(self.MAX_LAG * self.rate) + 1
        if due - turn > lag:
            self.stats.dropped += due - turn - lag
            turn = due - lag
        reports = []
        count = len(self.generator.devices)
        for n in range(turn, due):
            index = n % count
            group = self.generator.report(index, start + n / self.rate)
            if group is None:
                self.stats.silent += 1
            else:
                reports.append(Report(self.generator.devices[index], group))
        return reports, due

    def run(self, stop: threading.Event | None = None) -> Stats:
        stop = stop or threading.Event()
        start = self.clock()
        begun = time.monotonic()
        next_report = begun + self.report_every
        turn, backoff = 0, 0.0
        next_duty = start
        while not stop.is_set():
            now = self.clock()
            if self.duration is not None and now - start >= self.duration:
                break
            if self.duty is not None and now >= next_duty:
                self._on_duty(now)
                next_duty = now + self.duty_every
            reports, turn = self._due(start, turn, now)
            if reports:
                try:
                    self._add(self.transport.deliver(reports))
                    backoff = 0.0
                except Unreachable as error:
                    self._add(error.delivered)
                    self.stats.errors += (
                        len(reports) - error.delivered.sent - error.delivered.errors
                    )
                    backoff = min(max(backoff * 2, 1.0), self.MAX_BACKOFF)
                    self.out(f"{error}；{backoff:g} 秒后重试")
                    left = None if self.duration is None else start + self.duration - now
                    stop.wait(backoff if left is None else max(0.0, min(backoff, left)))
                    continue
            if time.monotonic() >= next_report:
                self.out(self.progress_line(time.monotonic() - begun))
                next_report += self.report_every
            stop.wait(self.TICK)
        return self.stats
