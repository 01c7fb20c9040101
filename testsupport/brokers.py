"""Brokers of our own for tests and benchmarks, with the shipped configuration.

Each starts a real ``nats-server`` or ``mosquitto`` (deploy/…/anjian.conf with ports,
store and files moved into a directory of its own) whose logins and permissions are
written by ``broker.write_auth`` (the code behind ``anjian broker_auth``), and can be
reloaded, stopped gracefully, or killed with SIGKILL as a crash would.
"""

import getpass
import os
import re
import shutil
import signal
import subprocess
import time
from contextlib import suppress
from pathlib import Path

import paho.mqtt.client as mqtt

from testsupport.processes import free_port, listening, wait_until

INGEST_USER = "anjian.ingest"
INGEST_PASSWORD = "ingest-Secret-2026"


def require(binary: str) -> str:
    path = shutil.which(binary) or shutil.which(binary, path="/usr/sbin:/usr/local/sbin")
    if path is None:
        raise RuntimeError(f"{binary} is missing: `make broker` installs it (Debian package)")
    return path


class Broker:
    """A broker process of the test's own (subclasses say how to configure it)."""

    binary = ""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.auth_dir = self.directory / "auth"
        self.auth_dir.mkdir(exist_ok=True)
        self.mqtt_port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = self.directory / "broker.log"

    @property
    def pid_file(self) -> Path:
        return self.directory / "broker.pid"

    def command(self) -> list[str]:
        raise NotImplementedError

    def ready(self) -> bool:
        return listening(self.mqtt_port)

    def start(self) -> "Broker":
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

        def up() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.binary} exited:\n{self.log_tail()}")
            return self.ready()

        wait_until(up, timeout=20, what=f"{self.binary} listening")
        return self

    def reload(self) -> None:
        """SIGHUP: re-read logins and permissions (what ``broker.reload`` sends)."""
        os.kill(self.process.pid, signal.SIGHUP)
        time.sleep(0.5)

    def stop(self) -> None:
        """A graceful shutdown (SIGTERM), as a service manager's restart would."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def kill(self) -> None:
        """A crash: SIGKILL, nothing flushed, nothing said goodbye."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


SHIPPED = Path(__file__).resolve().parents[1] / "deploy"


def shipped(path: str, replacements: list[tuple[str, str]]) -> str:
    """A shipped configuration file with its machine-specific lines replaced (each pattern
    must be found: a test that silently tested another configuration would be no test)."""
    text = (SHIPPED / path).read_text()
    for pattern, replacement in replacements:
        text, found = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        assert found, f"{pattern!r} not in deploy/{path}"
    return text


class NatsServer(Broker):
    """NATS with JetStream and its MQTT listener, configured by deploy/nats/anjian.conf
    (ports, store and pid file moved into the test's directory)."""

    binary = "nats-server"

    def __init__(self, directory: Path, *, tls: dict | None = None):
        super().__init__(directory)
        self.port = free_port()
        self.tls = tls
        # The shipped config includes anjian/anjian-auth.conf beside itself.
        self.auth_dir = self.directory / "anjian"
        self.auth_dir.mkdir(exist_ok=True)
        self.auth_file = self.auth_dir / "anjian-auth.conf"
        if not self.auth_file.exists():
            self.auth_file.write_text("")  # broker.write_auth fills it in

    @property
    def url(self) -> str:
        scheme = "tls" if self.tls else "nats"
        return f"{scheme}://127.0.0.1:{self.port}"

    def config(self) -> str:
        text = shipped(
            "nats/anjian.conf",
            [
                (r"^server_name: .*$", f"server_name: anjian-test-{self.port}"),
                (r"^listen: .*$", f"listen: 127.0.0.1:{self.port}"),
                (r"^pid_file: .*$", f'pid_file: "{self.pid_file}"'),
                (r"^  store_dir: .*$", f'  store_dir: "{self.directory / "js"}"'),
                (r"^  max_file_store: .*$", "  max_file_store: 1G"),
                (r"^  listen: 0\.0\.0\.0:1883$", f"  listen: 127.0.0.1:{self.mqtt_port}"),
            ],
        )
        if self.tls:
            verify = "true" if self.tls.get("verify") else "false"
            text += (
                "tls {\n"
                f'  cert_file: "{self.tls["cert"]}"\n  key_file: "{self.tls["key"]}"\n'
                f'  ca_file: "{self.tls["ca"]}"\n  verify: {verify}\n'
                "}\n"
            )
        return text

    def command(self) -> list[str]:
        config = self.directory / "anjian.conf"
        config.write_text(self.config())
        return [require("nats-server"), "-c", str(config)]

    def ready(self) -> bool:
        return listening(self.mqtt_port) and listening(self.port)


class MosquittoServer(Broker):
    """Mosquitto configured by deploy/mosquitto/anjian.conf (anonymous clients refused,
    logins and ACL from the registry), on its own port and store."""

    binary = "mosquitto"

    def command(self) -> list[str]:
        config = self.directory / "mosquitto.conf"
        config.write_text(
            shipped(
                "mosquitto/anjian.conf",
                [
                    (r"^listener 1883 127\.0\.0\.1$", f"listener {self.mqtt_port} 127.0.0.1"),
                    (r"^password_file .*$", f"password_file {self.auth_dir / 'anjian-passwd'}"),
                    (r"^acl_file .*$", f"acl_file {self.auth_dir / 'anjian-acl'}"),
                    (r"^persistence_location .*$", f"persistence_location {self.directory}/"),
                ],
            )
            # Started as root, Mosquitto becomes user "mosquitto", who cannot read the
            # test's private temporary folder: stay who we are.
            + f"user {getpass.getuser()}\n"
        )
        for name in ("anjian-passwd", "anjian-acl"):
            path = self.auth_dir / name
            if not path.exists():
                path.write_text("")
        return [require("mosquitto"), "-c", str(config)]

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.mqtt_port}"


def mqtt_client(port: int, username: str, password: str, *, client_id: str) -> tuple:
    """A device's MQTT 3.1.1 connection; returns (client, connack reason or None)."""
    client = mqtt.Client(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=mqtt.MQTTv311,
    )
    client.username_pw_set(username, password)
    answer = {}

    def on_connect(_client, _userdata, _flags, reason_code, _properties):
        answer["reason"] = reason_code

    client.on_connect = on_connect
    client.connect("127.0.0.1", port, keepalive=30)
    client.loop_start()
    with suppress(TimeoutError):  # refused logins may get no CONNACK at all
        wait_until(lambda: "reason" in answer, timeout=10, what="CONNACK")
    return client, answer.get("reason")
