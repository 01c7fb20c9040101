"""Benchmark of the telemetry ingest (MQTT in → stored and evaluated → committed).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/anjian_bench .venv/bin/python bench/ingest.py
    make bench-ingest                           # the same, with the default URL above
    … bench/ingest.py --broker mosquitto        # the development broker instead of NATS
    … bench/ingest.py --smoke                   # tiny sizes: does it still run? (CI)

A benchmark, not a test: it prints figures and fails only if readings are lost or stored
twice. In one run it

1. builds its data: migrates the bench database, takes 400 enterprises of its registry
   (``anjian demo`` builds one if it is empty) and gives each 50 tank monitors (20,000
   devices × 3 metrics, a high-level threshold on each), inserted in bulk (set-up only),
   and a data gateway with a fresh token; empties the readings and alarm tables;
2. starts its own broker with the shipped configuration and the logins
   ``anjian broker_auth`` writes (each gateway may publish only its own topic): NATS with
   JetStream and its MQTT listener (deploy/nats/anjian.conf, the production path; the
   workers are pull consumers of the stream) or, with ``--broker mosquitto``, Mosquitto
   (deploy/mosquitto/anjian.conf), stores in a temporary directory;
3. **sustained**: one publisher process (one MQTT 3.1.1 connection per gateway, logged in
   with its token) sends ``--messages`` gateway messages (one per
   enterprise and time step: 50 devices × 3 metrics = 150 readings each), QoS 1, as fast
   as the broker takes them, while ``anjian ingest`` worker processes (1, then 2) store
   them; the rate is readings committed / time from the first publish to the last commit,
   alarms evaluated on every batch (a few readings breach their limit);
4. **nominal load with alarm latency**: 20,000 devices every 10 s (6,000 readings/s) for
   ``--nominal-seconds``, one device in a hundred over its limit each round; latency =
   alarm created (committed) − the reading's own time (= its publish time), p50/p95;
5. **burst**: ``--burst`` messages published at once onto a running worker: all stored,
   none twice, time to drain;
6. **raw COPY** of the same number of rows as the sustained run into the same table
   (same partitions and primary key), in the same run: the baseline and the ratio.

Options: ``--devices`` ``--messages`` ``--workers 1,2`` ``--batch`` ``--nominal-seconds``
``--burst`` ``--broker nats|mosquitto`` ``--smoke``.
"""

import argparse
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from bench.common import ensure_database  # noqa: E402

PER_ENTERPRISE = 50
INGEST_USER = "anjian.ingest"
INGEST_PASSWORD = "bench-ingest-2026"
LIMIT = 25.0  # the tanks' high level (valid range 0–30 m)
CODE_PREFIX = "BENCH-"


def log(message: str = "") -> None:
    print(message, flush=True)


# --- data ----------------------------------------------------------------------------------


def build(devices: int) -> list[tuple[str, list[str]]]:
    """The bench devices: [(enterprise credit code, [device codes])]."""
    from django.core.management import call_command
    from django.db import connection

    from anjian.enterprises.models import Enterprise
    from anjian.monitoring.models import Device, DeviceType, Metric, Threshold

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    log(f"  migrate: {time.perf_counter() - started:.1f} s")
    groups = devices // PER_ENTERPRISE
    if Enterprise.objects.count() < groups:
        log(f"单位库不足 {groups} 家：anjian demo --enterprises {groups * 2}")
        call_command("demo", enterprises=groups * 2, no_progress=True, verbosity=0, hazards=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE monitoring_reading, monitoring_latestreading, monitoring_breachstate, "
            "monitoring_alarmevent, monitoring_deadletter, monitoring_qualityflag CASCADE"
        )
        cursor.execute("DELETE FROM monitoring_alarm")
    existing = Device.objects.filter(code__startswith=CODE_PREFIX).count()
    enterprises = list(Enterprise.objects.order_by("pk")[:groups])
    if existing != groups * PER_ENTERPRISE:
        started = time.perf_counter()
        Threshold.objects.filter(device__code__startswith=CODE_PREFIX).delete()
        Device.objects.filter(code__startswith=CODE_PREFIX).delete()
        tank = DeviceType.objects.get(code="tank")
        rows = [
            Device(
                enterprise=e,
                device_type=tank,
                code=f"{CODE_PREFIX}{e.pk}-{n:02d}",
                name=f"压测储罐 {n:02d}",
                scope_region_code=e.scope_region_code,
                industry_id=e.industry_id,
                token_hash="",
            )
            for e in enterprises
            for n in range(PER_ENTERPRISE)
        ]
        Device.objects.bulk_create(rows, batch_size=5000)
        level = Metric.objects.get(device_type=tank, code="level")
        ids = Device.objects.filter(code__startswith=CODE_PREFIX).values_list("pk", flat=True)
        Threshold.objects.bulk_create(
            [
                Threshold(device_id=pk, metric=level, level="high", value=LIMIT, hysteresis=0.5)
                for pk in ids
            ],
            batch_size=5000,
        )
        log(f"  {len(rows):,} 台设备 + 阈值（批量写入）: {time.perf_counter() - started:.1f} s")
    else:
        Device.objects.filter(code__startswith=CODE_PREFIX).update(state="never", last_seen_at=None)
        log(f"  沿用 {existing:,} 台压测设备")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE monitoring_device")
    logins = gateways(enterprises)
    return [
        (
            e.credit_code,
            [f"{CODE_PREFIX}{e.pk}-{n:02d}" for n in range(PER_ENTERPRISE)],
            logins[e.pk],
        )
        for e in enterprises
    ]


def gateways(enterprises) -> dict[int, tuple[str, str]]:
    """A gateway per bench enterprise with a fresh token: {enterprise id: (user, token)}."""
    from anjian.monitoring.models import Gateway

    started = time.perf_counter()
    existing = {g.enterprise_id: g for g in Gateway.objects.filter(code__startswith=CODE_PREFIX)}
    logins, fresh, renewed = {}, [], []
    for enterprise in enterprises:
        gateway = existing.get(enterprise.pk) or Gateway(
            enterprise=enterprise, code=f"{CODE_PREFIX}GW-{enterprise.pk}", name="压测网关"
        )
        token = gateway.issue_token()
        (renewed if gateway.pk else fresh).append(gateway)
        logins[enterprise.pk] = (gateway.username, token)
    Gateway.objects.bulk_create(fresh, batch_size=1000)
    Gateway.objects.bulk_update(renewed, ["token_hash", "broker_bcrypt", "broker_pbkdf2"])
    log(f"  {len(logins)} 个网关及令牌：{time.perf_counter() - started:.1f} s")
    return logins


def count_readings() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM monitoring_reading")
        return cursor.fetchone()[0]


# --- broker and processes ----------------------------------------------------------------------


def start_broker(kind: str, directory: Path):
    """Our own broker with the shipped configuration and the registry's logins."""
    from anjian.monitoring import broker
    from testsupport.brokers import MosquittoServer, NatsServer

    server = NatsServer(directory) if kind == "nats" else MosquittoServer(directory)
    written = broker.write_auth(kind, server.auth_dir)
    log(f"  {kind} 账号：{written.logins} 个（设备与网关），接入账号 {INGEST_USER}")
    return server.start()


def start_workers(server, count: int, batch: int, run: str) -> list[subprocess.Popen]:
    where = ["--nats", server.url] if server.binary == "nats-server" else ["--mqtt", server.url]
    workers = []
    for n in range(count):
        log_path = server.directory / f"worker-{run}-{n}.log"
        worker = subprocess.Popen(
            [
                sys.executable, "-m", "anjian", "ingest", *where,
                "--client-id", f"bench-{run}-{n}",
                "--group", f"bench-{run}",
                "--batch", str(batch),
                "--linger", "0.1",
                "--report", "3600",
            ],
            cwd=ROOT,
            stdout=log_path.open("wb"),
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
        worker.log_path = log_path
        workers.append(worker)
    # Connected, subscribed, and (NATS) the stream exists: only then may devices publish.
    deadline = time.monotonic() + 60
    for worker in workers:
        while "已开始接入" not in worker.log_path.read_text(errors="replace"):
            if worker.poll() is not None or time.monotonic() > deadline:
                sys.exit("ingest 进程未能启动：" + worker.log_path.read_text()[-2000:])
            time.sleep(0.1)
    return workers


def stop(processes) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


# --- publishing --------------------------------------------------------------------------


def publisher_main() -> None:
    """The publisher process: reads a JSON job from stdin, publishes, prints what it did."""
    import paho.mqtt.client as mqtt

    job = json.load(sys.stdin)
    groups = job["groups"]
    rng = random.Random(job["seed"])
    clients, connected, refused = [], set(), []
    for _credit, _codes, (username, token) in groups:
        client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=f"bench-{username}-{os.getpid()}"[:64],
            protocol=mqtt.MQTTv311,
        )
        client.username_pw_set(username, token)
        client.max_inflight_messages_set(100)
        client.max_queued_messages_set(0)
        client.on_connect = lambda c, _u, _f, reason, _p: (
            connected.add(c) if not reason.is_failure else refused.append(str(reason))
        )
        client.connect("127.0.0.1", job["port"])
        client.loop_start()
        clients.append(client)
    deadline = time.monotonic() + 60
    while len(connected) < len(clients) and not refused and time.monotonic() < deadline:
        time.sleep(0.05)
    if len(connected) < len(clients):
        sys.exit(f"{len(connected)}/{len(clients)} 个网关连接成功；拒绝：{refused[:3]}")
    sent = spikes = 0
    first = time.time()
    step_seconds = job["interval"] / max(1, len(groups))
    infos = []
    for _step in range(job["steps"]):
        round_start = time.time()
        for index, (credit, codes, _login) in enumerate(groups):
            if job["messages"] and sent >= job["messages"]:
                break
            now = datetime.now(UTC)
            ts = now.isoformat(timespec="microseconds")
            readings = []
            for code in codes:
                level = rng.uniform(5, 15)
                if rng.random() < job["spike_share"]:
                    level, spikes = LIMIT + 3, spikes + 1
                readings.append(
                    {
                        "device": code,
                        "ts": ts,
                        "values": {
                            "level": round(level, 3),
                            "temp": round(rng.uniform(15, 30), 2),
                            "pressure": round(rng.uniform(0.2, 0.8), 3),
                        },
                    }
                )
            payload = json.dumps({"readings": readings}, separators=(",", ":"))
            topic = f"anjian/v1/{credit}/gateway/telemetry"
            infos.append(clients[index].publish(topic, payload, qos=1))
            sent += 1
            if job["interval"]:  # paced: spread each round over the interval
                pause = round_start + (index + 1) * step_seconds - time.time()
                if pause > 0:
                    time.sleep(pause)
        if job["messages"] and sent >= job["messages"]:
            break
    for info in infos:
        info.wait_for_publish(timeout=120)
    done = time.time()
    for client in clients:
        client.disconnect()
        client.loop_stop()
    print(json.dumps({"sent": sent, "spikes": spikes, "first": first, "done": done}))


# One publisher process holds at most this many MQTT connections: paho waits on its
# sockets with select(), which cannot watch file descriptors past 1023, and each
# connection takes three (its socket and a wake-up socket pair).
CONNECTIONS_PER_PUBLISHER = 200


def publish(server, groups, *, messages=0, steps=1, interval=0.0, spike_share=0.0, seed=1) -> dict:
    """Publish through publisher processes of up to CONNECTIONS_PER_PUBLISHER gateways each,
    running at the same time; their figures merged."""
    shares = [
        groups[start : start + CONNECTIONS_PER_PUBLISHER]
        for start in range(0, len(groups), CONNECTIONS_PER_PUBLISHER)
    ]
    processes = []
    for index, share in enumerate(shares):
        job = {
            "port": server.mqtt_port,
            "groups": share,
            # ``messages`` split in proportion to the gateways each process holds
            "messages": round(messages * len(share) / len(groups)) if messages else 0,
            "steps": steps,
            "interval": interval,
            "spike_share": spike_share,
            "seed": seed * 100 + index,
        }
        process = subprocess.Popen(
            [sys.executable, __file__, "--publisher"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        process.stdin.write(json.dumps(job).encode())
        process.stdin.close()
        processes.append(process)
    results = []
    for process in processes:
        out, err = process.stdout.read(), process.stderr.read()
        if process.wait(timeout=3600) != 0:
            sys.exit("发布进程失败：" + err.decode()[-2000:])
        results.append(json.loads(out))
    return {
        "sent": sum(r["sent"] for r in results),
        "spikes": sum(r["spikes"] for r in results),
        "first": min(r["first"] for r in results),
        "done": max(r["done"] for r in results),
    }


def wait_for(expected: int, timeout: float) -> float:
    """Poll until ``expected`` readings are committed; returns when (time.time())."""
    deadline = time.time() + timeout
    last, last_change = -1, time.time()
    while time.time() < deadline:
        current = count_readings()
        if current >= expected:
            return time.time()
        if current != last:
            last, last_change = current, time.time()
        elif time.time() - last_change > 30:
            sys.exit(f"30 秒没有新的读数入库：{current:,} / {expected:,}")
        time.sleep(0.25)
    sys.exit(f"超时：只入库 {count_readings():,} / {expected:,}")


def check_exact(expected: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT (device_id, metric_id, ts)) FROM monitoring_reading"
        )
        total, distinct = cursor.fetchone()
    if total != expected or distinct != expected:
        sys.exit(f"读数不一致：期望 {expected:,}，实有 {total:,}（不重复 {distinct:,}）")


# --- phases ----------------------------------------------------------------------------------


def sustained(server, groups, workers: int, messages: int, batch: int) -> dict:
    before = count_readings()
    processes = start_workers(server, workers, batch, f"s{workers}-{int(time.time())}")
    try:
        sent = publish(server, groups, messages=messages, steps=10**9, seed=workers)
        expected = before + sent["sent"] * PER_ENTERPRISE * 3
        committed = wait_for(expected, timeout=1800)
    finally:
        stop(processes)
    check_exact(expected)
    readings = sent["sent"] * PER_ENTERPRISE * 3
    elapsed = committed - sent["first"]
    return {
        "workers": workers,
        "readings": readings,
        "seconds": elapsed,
        "rate": readings / elapsed,
        "publish_seconds": sent["done"] - sent["first"],
    }


def nominal(server, groups, seconds: int, batch: int) -> dict:
    from anjian.monitoring.models import Alarm

    before = count_readings()
    alarms_before = set(Alarm.objects.values_list("pk", flat=True))
    processes = start_workers(server, 1, batch, f"n-{int(time.time())}")
    try:
        steps = max(1, seconds // 10)
        sent = publish(server, groups, steps=steps, interval=10.0, spike_share=0.01, seed=7)
        expected = before + sent["sent"] * PER_ENTERPRISE * 3
        wait_for(expected, timeout=600)
        time.sleep(1)
    finally:
        stop(processes)
    latencies = [
        (created - raised).total_seconds() * 1000
        for created, raised in Alarm.objects.exclude(pk__in=alarms_before).values_list(
            "created_at", "raised_at"
        )
    ]
    latencies.sort()
    return {
        "readings": sent["sent"] * PER_ENTERPRISE * 3,
        "seconds": sent["done"] - sent["first"],
        "alarms": len(latencies),
        "spikes": sent["spikes"],
        "p50": statistics.median(latencies) if latencies else None,
        "p95": latencies[int(0.95 * (len(latencies) - 1))] if latencies else None,
        "max": latencies[-1] if latencies else None,
    }


def burst(server, groups, messages: int, batch: int) -> dict:
    before = count_readings()
    processes = start_workers(server, 1, batch, f"b-{int(time.time())}")
    try:
        sent = publish(server, groups, messages=messages, steps=10**9, seed=11)
        expected = before + sent["sent"] * PER_ENTERPRISE * 3
        drained = wait_for(expected, timeout=1800)
    finally:
        stop(processes)
    check_exact(expected)
    return {
        "messages": sent["sent"],
        "readings": sent["sent"] * PER_ENTERPRISE * 3,
        "publish_seconds": sent["done"] - sent["first"],
        "drain_seconds": drained - sent["first"],
    }


def raw_copy(rows: int) -> dict:
    """The same number of rows COPYed straight into monitoring_reading (same partitions,
    same primary key), then removed again."""
    import psycopg
    from django.db import connection

    from anjian.monitoring.models import Device, Metric

    devices = list(Device.objects.filter(code__startswith=CODE_PREFIX).values_list("pk", flat=True))
    metrics = list(Metric.objects.filter(device_type__code="tank").values_list("pk", flat=True))
    start = datetime.now(UTC) + timedelta(days=1)
    rng = random.Random(3)
    buffer = io.StringIO()
    made = 0
    step = 0
    while made < rows:
        ts = (start + timedelta(seconds=10 * step)).isoformat()
        for device in devices:
            for metric in metrics:
                buffer.write(f"{device}\t{metric}\t{ts}\t{rng.uniform(0, 30):.3f}\n")
                made += 1
                if made >= rows:
                    break
            if made >= rows:
                break
        step += 1
    data = buffer.getvalue().encode()
    settings = connection.settings_dict
    conninfo = f"dbname={settings['NAME']} host={settings['HOST']} user={settings['USER']}"
    if settings.get("PORT"):
        conninfo += f" port={settings['PORT']}"
    with psycopg.connect(conninfo) as conn, conn.cursor() as cursor:
        started = time.perf_counter()
        with cursor.copy(
            "COPY monitoring_reading (device_id, metric_id, ts, value) FROM STDIN"
        ) as copy:
            for offset in range(0, len(data), 1 << 20):
                copy.write(data[offset : offset + (1 << 20)])
        conn.commit()
        seconds = time.perf_counter() - started
        cursor.execute("DELETE FROM monitoring_reading WHERE ts >= %s", [start])
        conn.commit()
    return {"rows": made, "seconds": seconds, "rate": made / seconds}


def main() -> None:
    if "--publisher" in sys.argv:
        publisher_main()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=20_000)
    parser.add_argument("--messages", type=int, default=8_000, help="持续吞吐阶段的消息数")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--nominal-seconds", type=int, default=60)
    parser.add_argument("--burst", type=int, default=4_000, help="突发阶段的消息数")
    parser.add_argument("--broker", choices=["nats", "mosquitto"], default="nats")
    parser.add_argument("--smoke", action="store_true", help="极小规模，只检验能否跑通（CI 用）")
    args = parser.parse_args()
    if args.smoke:
        args.devices, args.messages, args.workers = 500, 40, "1"
        args.nominal_seconds, args.burst = 0, 20
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("请设置 DATABASE_URL=postgres://postgres@127.0.0.1:5432/anjian_bench")
    binary = {"nats": "nats-server", "mosquitto": "mosquitto"}[args.broker]
    if shutil.which(binary, path=os.environ["PATH"] + ":/usr/sbin") is None:
        sys.exit(f"需要 {binary}（make broker 会安装）")
    ensure_database(os.environ["DATABASE_URL"])
    os.environ.update(ANJIAN_BROKER_USER=INGEST_USER, ANJIAN_BROKER_PASSWORD=INGEST_PASSWORD)
    import django

    django.setup()
    from django.db import connection

    log("命令：DATABASE_URL=" + os.environ["DATABASE_URL"] + " " + " ".join(sys.argv))
    log(f"负载（loadavg）开始时：{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    log("准备数据：")
    groups = build(args.devices)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    directory = Path(tempfile.mkdtemp(prefix="anjian-bench-broker-"))
    server = start_broker(args.broker, directory)
    shipped = {"nats": "deploy/nats/anjian.conf", "mosquitto": "deploy/mosquitto/anjian.conf"}
    log(f"{len(groups) * PER_ENTERPRISE:,} 台设备 × 3 项；{os.cpu_count()} CPU；{version}；"
        f"{args.broker}（{shipped[args.broker]}，MQTT 端口 {server.mqtt_port}）")  # fmt: skip
    results = {}
    try:
        for workers in [int(w) for w in args.workers.split(",") if w]:
            log(f"持续吞吐：{args.messages:,} 条网关消息 × 150 个读数，{workers} 个 ingest 进程 …")
            results[f"sustained-{workers}"] = r = sustained(
                server, groups, workers, args.messages, args.batch
            )
            log(
                f"  {r['readings']:,} 个读数 {r['seconds']:.1f} s：{r['rate']:,.0f} 读数/秒"
                f"（发布用时 {r['publish_seconds']:.1f} s）"
            )
        if args.nominal_seconds:
            log(f"额定负载 {args.nominal_seconds} s（20,000 台 × 3 项 / 10 s）与报警时延 …")
            results["nominal"] = r = nominal(server, groups, args.nominal_seconds, args.batch)
            log(
                f"  {r['readings']:,} 个读数 {r['seconds']:.1f} s；报警 {r['alarms']} 次"
                f"（超限 {r['spikes']} 个）；时延 p50 {r['p50']:.0f} ms，p95 {r['p95']:.0f} ms，"
                f"最大 {r['max']:.0f} ms"
                if r["p50"] is not None
                else f"  {r['readings']:,} 个读数；没有报警（超限 {r['spikes']}）"
            )
        if args.burst:
            log(f"突发：{args.burst:,} 条消息一次发出 …")
            results["burst"] = r = burst(server, groups, args.burst, args.batch)
            log(
                f"  {r['readings']:,} 个读数全部入库、无重复；发布 {r['publish_seconds']:.1f} s，"
                f"全部入库 {r['drain_seconds']:.1f} s"
            )
        rows = results.get("sustained-1", {}).get("readings", 1_200_000)
        log(f"raw COPY：同样 {rows:,} 行直接 COPY 进 monitoring_reading …")
        results["copy"] = r = raw_copy(rows)
        log(f"  {r['rows']:,} 行 {r['seconds']:.1f} s：{r['rate']:,.0f} 行/秒")
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
    log()
    log("==== 汇总 ====")
    copy_rate = results["copy"]["rate"]
    for key, r in results.items():
        if key.startswith("sustained"):
            log(
                f"持续吞吐（{r['workers']} 个 ingest 进程）：{r['rate']:,.0f} 读数/秒"
                f"（= raw COPY 的 {100 * r['rate'] / copy_rate:.0f}%）"
            )
    if "nominal" in results and results["nominal"]["p95"] is not None:
        r = results["nominal"]
        log(f"报警时延（发布→报警入库）：p50 {r['p50']:.0f} ms，p95 {r['p95']:.0f} ms")
    log(f"raw COPY：{copy_rate:,.0f} 行/秒")
    log(f"负载（loadavg）结束时：{' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
