"""The periodic-job scheduler: enqueue each declared job once per time slot.

``schedule_tick`` is one step, called in a loop by ``anjian worker`` and directly by
tests. It is safe to run in several processes at once: the PeriodicRun row for
(job, slot) is inserted first, and only the process whose insert succeeds enqueues.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from anjian.core.models import PeriodicRun

logger = logging.getLogger(__name__)
EPOCH = datetime(2020, 1, 1, tzinfo=timezone.get_fixed_timezone(8 * 60))


@dataclass(frozen=True)
class Periodic:
    """A periodic job: its task, how often, why so, and how long one run may take before the
    worker stops it (``limit``; the run is then marked failed and the next slot runs again)."""

    task_path: str
    every: timedelta
    why: str
    limit: timedelta = timedelta(minutes=10)

    @property
    def name(self) -> str:
        return self.task_path.rsplit(".", 1)[-1]

    def slot(self, now: datetime) -> datetime:
        """Start of the slot ``now`` falls in (slots are aligned to Shanghai midnight)."""
        periods = (now - EPOCH) // self.every
        return EPOCH + periods * self.every


def periodic_jobs() -> list[Periodic]:
    """The declared periodic jobs (``config/schedule.py``), found through
    ``settings.PERIODIC_JOBS``: config is above core, so core never imports it."""
    return import_string(settings.PERIODIC_JOBS)


def schedule_tick(now: datetime | None = None, jobs: list[Periodic] | None = None) -> list[str]:
    """Enqueue every job whose current slot has not been enqueued yet. Returns their names."""
    if jobs is None:
        jobs = periodic_jobs()
    now = now or timezone.now()
    enqueued = []
    for job in jobs:
        slot = job.slot(now)
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(job=job.name, slot=slot)
                import_string(job.task_path).enqueue()
        except IntegrityError:
            continue  # another scheduler took this slot
        logger.info("enqueued periodic job %s for slot %s", job.name, slot)
        enqueued.append(job.name)
    return enqueued
