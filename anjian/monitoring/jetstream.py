"""The production ingest worker: NATS JetStream behind NATS's own MQTT listener.

Devices speak plain MQTT (3.1.1, QoS 1) to the NATS server's MQTT port, logged in with
their own token (``monitoring.broker``). NATS turns the topic
``anjian/v1/<credit code>/<device code>/telemetry`` into the subject
``anjian.v1.<credit code>.<device code>.telemetry``, which the file-backed stream
``ANJIAN_TELEMETRY`` captures. On a single server the message is written to the stream
file before the device gets its PUBACK, so an acknowledged reading survives the broker
process crashing (tested: ``tests/test_jetstream.py``); docs/broker.md says what a
cluster adds and what it does not.

Workers are competing pull consumers of one durable consumer (``anjian-ingest``): each
fetches what is waiting, a batch goes through ``consumer.BatchHandler`` (poison messages
dead-lettered, failing batches retried, then split) in one transaction, and only then is
each settled message acknowledged. A message left unacknowledged — the worker died, the
database is away — is delivered again after ``ack_wait`` (or at once after a NAK), to
whichever worker asks; the readings table is idempotent, so nothing is stored twice. The
stream is a work queue: an acknowledged message is removed.

The NATS client is asyncio: its event loop runs in a thread of its own and only fetches
and acknowledges; the database work happens in the thread that calls ``run`` (so a test
inside a transaction sees its own rows).
"""

import asyncio
import logging
import queue
import threading
import time
import uuid
from contextlib import suppress

import nats
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    DiscardPolicy,
    RetentionPolicy,
    StorageType,
    StreamConfig,
)
from nats.js.errors import NotFoundError

from anjian.monitoring.broker import STREAM, SUBJECTS, Endpoint
from anjian.monitoring.consumer import (
    Backoff,
    BatchHandler,
    BatchWorker,
    Delivery,
    Handled,
    Stats,
)

logger = logging.getLogger("anjian.monitoring.jetstream")

DURABLE = "anjian-ingest"
# Unacknowledged messages the server lets all workers hold at once; a batch can never be
# larger than this divided by the number of workers.
MAX_ACK_PENDING = 20_000
FETCH = 500  # messages asked for per pull request


def topic_of(subject: str) -> str:
    """The MQTT topic a subject came from (codes in topics never contain "." — see
    ``models.reporter_code_validator``)."""
    return subject.replace(".", "/")


def stream_config(replicas: int = 1) -> StreamConfig:
    return StreamConfig(
        name=STREAM,
        description="anjian telemetry from devices and gateways (MQTT QoS 1)",
        subjects=[SUBJECTS],
        retention=RetentionPolicy.WORK_QUEUE,
        storage=StorageType.FILE,
        # No size limit: the stream holds what the database could not take yet (size the
        # server's JetStream store for the longest outage to survive). DiscardPolicy.NEW
        # if a limit is ever set: refusing new data is visible, dropping old is not.
        discard=DiscardPolicy.NEW,
        num_replicas=replicas,
    )


async def ensure_stream(js, replicas: int = 1) -> None:
    try:
        info = await js.stream_info(STREAM)
    except NotFoundError:
        await js.add_stream(stream_config(replicas))
        logger.info("created stream %s on %s", STREAM, SUBJECTS)
        return
    if info.config.subjects != [SUBJECTS] or info.config.retention != RetentionPolicy.WORK_QUEUE:
        logger.warning(
            "stream %s exists with subjects %s and retention %s (expected %s, work queue)",
            STREAM, info.config.subjects, info.config.retention, SUBJECTS,
        )  # fmt: skip


class Worker(BatchWorker):
    def __init__(
        self,
        url: str,
        *,
        durable: str = DURABLE,
        batch_size: int = 5000,
        linger: float = 0.2,
        ack_wait: float = 60.0,
        replicas: int = 1,
        name: str | None = None,
    ):
        self.endpoint = Endpoint.parse(url, default_scheme="nats")
        self.durable = durable
        self.batch_size = max(1, min(batch_size, MAX_ACK_PENDING // 2))
        self.linger = linger
        self.ack_wait = ack_wait
        self.replicas = replicas
        self.name = name or f"anjian-ingest-{uuid.uuid4().hex[:8]}"
        self.stats = Stats()
        self.handler = BatchHandler(channel="mqtt")
        self.backoff = Backoff()
        self.sleep = time.sleep
        fetch = min(FETCH, self.batch_size)
        self.fetch_size = fetch
        # Fetched but not yet processed: at most two batches' worth, so a slow database
        # holds back the fetching instead of piling messages up in memory.
        self.inbox: queue.Queue[list] = queue.Queue(maxsize=max(2, 2 * self.batch_size // fetch))
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True, name=self.name)
        self.stopping = threading.Event()
        self.nc = None
        self.fetcher = None
        self.last_error = None

    # --- the event loop's side ------------------------------------------------------------

    def _call(self, coroutine, timeout: float):
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(timeout)
        except BaseException:
            future.cancel()
            raise

    async def _connect(self) -> None:
        e = self.endpoint
        scheme = "tls" if e.uses_tls else "nats"
        self.nc = await nats.connect(
            servers=[f"{scheme}://{e.host}:{e.port}"],
            user=e.username or None,
            password=e.password or None,
            tls=e.ssl_context(),
            tls_hostname=e.host if e.uses_tls else None,
            name=self.name,
            connect_timeout=5,
            allow_reconnect=True,
            max_reconnect_attempts=-1,
            reconnect_time_wait=1,
            error_cb=self._on_error,
            disconnected_cb=self._on_disconnected,
            reconnected_cb=self._on_reconnected,
        )
        js = self.nc.jetstream()
        await ensure_stream(js, self.replicas)
        self.subscription = await js.pull_subscribe(
            SUBJECTS,
            durable=self.durable,
            stream=STREAM,
            config=ConsumerConfig(
                durable_name=self.durable,
                ack_policy=AckPolicy.EXPLICIT,
                ack_wait=self.ack_wait,
                deliver_policy=DeliverPolicy.ALL,
                max_deliver=-1,
                max_ack_pending=MAX_ACK_PENDING,
            ),
        )

    async def _on_error(self, error) -> None:
        self.last_error = error
        logger.warning("NATS：%s", error)

    async def _on_disconnected(self) -> None:
        logger.warning("与 NATS 的连接断开，正在重连")

    async def _on_reconnected(self) -> None:
        logger.info("已重新连接 NATS")

    async def _fetch_forever(self) -> None:
        while not self.stopping.is_set():
            try:
                messages = await self.subscription.fetch(batch=self.fetch_size, timeout=1.0)
            except NatsTimeout:
                continue
            except asyncio.CancelledError:
                raise
            except Exception as error:  # a reconnect in progress, a server restarting …
                logger.warning("拉取消息失败：%s", error)
                await asyncio.sleep(1.0)
                continue
            while not self.stopping.is_set():  # wait for room: the database is behind
                try:
                    self.inbox.put_nowait(messages)
                    break
                except queue.Full:
                    await asyncio.sleep(0.05)

    async def _close(self) -> None:
        if self.fetcher is not None:
            task = self.fetcher
            self.fetcher = None
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        if self.nc is not None:
            await self.nc.close()

    async def _settle(self, handled: Handled, pause: float) -> None:
        for delivery in handled.settled:
            await delivery.handle.ack()
        for delivery in handled.unsettled:
            await delivery.handle.nak(delay=pause)
        await self.nc.flush(timeout=10)

    # --- the caller's side ------------------------------------------------------------------

    def start(self, timeout: float = 15.0) -> None:
        self.thread.start()
        try:
            self._call(self._connect(), timeout)
        except Exception as error:
            self.stop()
            reason = error if str(error) else (self.last_error or "超时")
            raise ConnectionError(f"无法连接 NATS {self.endpoint.display()}：{reason}") from error
        self.fetcher = self._call(self._spawn_fetcher(), 5)

    async def _spawn_fetcher(self) -> asyncio.Task:
        return asyncio.create_task(self._fetch_forever())

    def stop(self) -> None:
        """Stop fetching and disconnect. What was fetched but not processed is simply not
        acknowledged: the server delivers it again after ``ack_wait``."""
        self.stopping.set()
        if self.thread.is_alive():
            try:
                self._call(self._close(), 15)
            except Exception as error:  # closing a connection that is already gone
                logger.info("关闭 NATS 连接：%s", error)
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)

    def _collect(self, wait: float) -> list:
        try:
            batch = list(self.inbox.get(timeout=wait))
        except queue.Empty:
            return []
        deadline = time.monotonic() + self.linger
        while len(batch) < self.batch_size:
            remaining = deadline - time.monotonic()
            try:
                batch += self.inbox.get(timeout=max(remaining, 0.001))
            except queue.Empty:
                break
        return batch

    def process(self, messages: list) -> Handled:
        """Store one batch, then acknowledge what was settled; NAK what could not be (the
        database is away) so it comes back after a pause, and wait that pause."""
        handled = self.handler.handle([Delivery(topic_of(m.subject), m.data, m) for m in messages])
        pause = self.backoff.next() if handled.unsettled else 0.0
        try:
            self._call(self._settle(handled, pause), 30)
        except Exception as error:  # they will be delivered again; storing is idempotent
            logger.warning("确认消息失败（%s）：将重新投递，不会重复入库", error)
        if handled.unsettled:
            self.stats.failed_batches += 1
            self.sleep(pause)
        else:
            self.backoff.reset()
        self.stats.add(handled)
        return handled

    def next_batch(self, wait: float) -> list:
        return self._collect(wait)
