"""The MQTT broker's side of the device registry: who may log in, and what each may do.

One registry holds both: a device's (or gateway's) token is its HTTP token and its MQTT
password. ``anjian broker_auth`` writes the broker's credentials and permissions from the
registry (the hashes kept on each record, never the tokens), and the periodic job
``sync_broker_auth`` rewrites them when the registry changed, then tells the broker to
reload. Per broker:

- **NATS** (production; docs/broker.md): an ``authorization`` block for the server's
  config: every device may publish only its own telemetry subject
  (``anjian.v1.<credit code>.<device code>.telemetry``, the MQTT topic with "/" as "."),
  a gateway only its enterprise's gateway subject; both may log in over MQTT only and
  subscribe to nothing. The ingest account may consume the telemetry stream and publish
  nothing but JetStream API requests and acknowledgements.
- **Mosquitto** (development option): a password file (PBKDF2-SHA512, ``$7$``, the
  format ``mosquitto_passwd`` writes) and an ACL file with the same rules.

Anonymous clients are refused by both shipped configurations (``deploy/``).
"""

import logging
import os
import signal
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings

from anjian.monitoring import hashes
from anjian.monitoring.models import Device, Gateway

logger = logging.getLogger("anjian.monitoring.broker")

STREAM = "ANJIAN_TELEMETRY"
SUBJECTS = "anjian.v1.*.*.telemetry"
TOPIC_FILTER = "anjian/v1/+/+/telemetry"
NATS_FILE = "anjian-auth.conf"
MOSQUITTO_PASSWORDS = "anjian-passwd"
MOSQUITTO_ACL = "anjian-acl"


# --- connecting ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """Where a worker connects, as whom, and how it checks the broker (TLS)."""

    scheme: str
    host: str
    port: int
    username: str
    password: str
    tls_ca: str = ""
    tls_cert: str = ""
    tls_key: str = ""

    @classmethod
    def parse(cls, url: str, *, default_scheme: str) -> "Endpoint":
        """``mqtt://host:1883``, ``mqtts://…``, ``nats://host:4222``, ``tls://…``; the
        user and password come from the URL or else from ANJIAN_BROKER_USER/PASSWORD (an
        environment variable keeps the password out of the process list)."""
        parsed = urlparse(url if "://" in url else f"{default_scheme}://{url}")
        ports = {"mqtt": 1883, "mqtts": 8883, "tcp": 1883, "nats": 4222, "tls": 4222}
        if parsed.scheme not in ports:
            raise ValueError(f"不支持的地址：{url}（应为 nats://、tls://、mqtt:// 或 mqtts://）")
        return cls(
            scheme=parsed.scheme,
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or ports[parsed.scheme],
            username=unquote(parsed.username or "") or settings.BROKER_USER,
            password=unquote(parsed.password or "") or settings.BROKER_PASSWORD,
            tls_ca=settings.BROKER_TLS_CA,
            tls_cert=settings.BROKER_TLS_CERT,
            tls_key=settings.BROKER_TLS_KEY,
        )

    @property
    def uses_tls(self) -> bool:
        return self.scheme in ("mqtts", "tls") or bool(self.tls_ca)

    def ssl_context(self) -> ssl.SSLContext | None:
        """The broker's certificate checked against ``tls_ca`` (or the system's CAs); a
        client certificate when one is configured."""
        if not self.uses_tls:
            return None
        context = ssl.create_default_context(cafile=self.tls_ca or None)
        if self.tls_cert:
            context.load_cert_chain(self.tls_cert, self.tls_key)
        return context

    def display(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"


# --- who may do what ----------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    username: str
    topic: str  # the one MQTT topic it may publish to
    bcrypt: str
    pbkdf2: str

    @property
    def subject(self) -> str:
        return self.topic.replace("/", ".")


@dataclass
class Logins:
    logins: list[Login]
    skipped: list[str]  # why a record could not be given a login


def logins() -> Logins:
    """Every active device and gateway that has broker hashes (issued with its token)."""
    found, skipped = [], []
    devices = Device.objects.filter(is_active=True).select_related("enterprise").order_by("code")
    gateways = Gateway.objects.filter(is_active=True).select_related("enterprise").order_by("code")
    for record in [*devices, *gateways]:
        kind = "网关" if isinstance(record, Gateway) else "设备"
        username = record.username if isinstance(record, Gateway) else record.code
        if "." in record.code:
            skipped.append(f"{kind} {record.code}：编码含“.”，MQTT 主题无法承载，请重新登记编码")
        elif not record.broker_bcrypt or not record.broker_pbkdf2:
            skipped.append(f"{kind} {record.code}：令牌签发于升级之前，请重新生成令牌")
        elif username == settings.BROKER_USER:
            skipped.append(f"{kind} {record.code}：与接入服务的账号同名")
        else:
            found.append(Login(username, record.topic, record.broker_bcrypt, record.broker_pbkdf2))
    return Logins(found, skipped)


def _quote(value: str) -> str:
    # NATS config strings: double quotes, backslash escapes. Codes and hashes never
    # contain either, but a configuration file is no place to trust that.
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def nats_authorization(found: list[Login], ingest_user: str, ingest_hash: str) -> str:
    lines = [
        "# Written by `anjian broker_auth` from the device registry — do not edit by hand.",
        "authorization {",
        "  users = [",
        f"    {{user: {_quote(ingest_user)}, password: {_quote(ingest_hash)},",
        '     allowed_connection_types: ["STANDARD"],',
        "     permissions: {",
        f'       publish: {{allow: ["$JS.API.INFO", "$JS.API.STREAM.INFO.{STREAM}",',
        f'                        "$JS.API.STREAM.CREATE.{STREAM}",',
        f'                        "$JS.API.CONSUMER.INFO.{STREAM}.>",',
        f'                        "$JS.API.CONSUMER.CREATE.{STREAM}.>",',
        f'                        "$JS.API.CONSUMER.DURABLE.CREATE.{STREAM}.>",',
        f'                        "$JS.API.CONSUMER.MSG.NEXT.{STREAM}.>",',
        f'                        "$JS.ACK.{STREAM}.>"]}},',
        '       subscribe: {allow: ["_INBOX.>"]}',
        "     }}",
    ]
    for login in found:
        lines.append(
            f"    {{user: {_quote(login.username)}, password: {_quote(login.bcrypt)}, "
            f'allowed_connection_types: ["MQTT"], '
            f"permissions: {{publish: {{allow: [{_quote(login.subject)}]}}, "
            f'subscribe: {{deny: [">"]}}}}}}'
        )
    lines += ["  ]", "}", ""]
    return "\n".join(lines)


def mosquitto_files(found: list[Login], ingest_user: str, ingest_hash: str) -> tuple[str, str]:
    passwords = [f"{ingest_user}:{ingest_hash}"]
    acl = [
        "# Written by `anjian broker_auth` from the device registry — do not edit by hand.",
        f"user {ingest_user}",
        f"topic read {TOPIC_FILTER}",
        "",
    ]
    for login in found:
        passwords.append(f"{login.username}:{login.pbkdf2}")
        acl += [f"user {login.username}", f"topic write {login.topic}", ""]
    return "\n".join(passwords) + "\n", "\n".join(acl)


# --- writing and reloading ----------------------------------------------------------------


class NotConfigured(Exception):
    pass


def _ingest_hash(kind: str, previous: str) -> str:
    """The ingest account's hash: the one already written if it still matches the
    configured password (so an unchanged registry rewrites an identical file)."""
    password = settings.BROKER_PASSWORD
    if not password:
        raise NotConfigured("请先设置 ANJIAN_BROKER_PASSWORD（接入服务登录消息服务器的密码）")
    if kind == "nats":
        if hashes.bcrypt_matches(password, previous):
            return previous
        return hashes.bcrypt_hash(password, cost=10)
    if hashes.pbkdf2_matches(password, previous):
        return previous
    return hashes.pbkdf2_hash(password)


def _previous_ingest_hash(kind: str, directory: Path) -> str:
    import re

    user = re.escape(settings.BROKER_USER)
    if kind == "nats":
        path = directory / NATS_FILE
        pattern = rf'user: "{user}", password: "([^"]+)"'
    else:
        path = directory / MOSQUITTO_PASSWORDS
        pattern = rf"^{user}:(\S+)$"
    if not path.exists():
        return ""
    found = re.search(pattern, path.read_text(), re.MULTILINE)
    return found.group(1) if found else ""


def _write(path: Path, text: str) -> bool:
    """Write atomically (a broker reloading mid-write never reads half a file); False
    when the file already says exactly this."""
    if path.exists() and path.read_text() == text:
        return False
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as out:
        out.write(text)
    os.chmod(temporary, 0o640)
    os.replace(temporary, path)
    return True


@dataclass
class Written:
    paths: list[Path]
    changed: bool
    logins: int
    skipped: list[str]


def write_auth(kind: str, directory: str | Path) -> Written:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    found = logins()
    ingest = _ingest_hash(kind, _previous_ingest_hash(kind, directory))
    if kind == "nats":
        path = directory / NATS_FILE
        changed = _write(path, nats_authorization(found.logins, settings.BROKER_USER, ingest))
        paths = [path]
    elif kind == "mosquitto":
        passwords, acl = mosquitto_files(found.logins, settings.BROKER_USER, ingest)
        paths = [directory / MOSQUITTO_PASSWORDS, directory / MOSQUITTO_ACL]
        changed = _write(paths[0], passwords) | _write(paths[1], acl)
    else:
        raise ValueError(f"unknown broker {kind}")
    return Written(paths, changed, len(found.logins), found.skipped)


def reload(pid_file: str | Path) -> int:
    """Tell the broker to re-read its configuration (SIGHUP: both NATS and Mosquitto
    reload their credentials and permissions on it without dropping connections)."""
    pid = int(Path(pid_file).read_text().strip())
    os.kill(pid, signal.SIGHUP)
    return pid
