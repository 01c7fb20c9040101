"""The channels a published warning goes out by — pluggable, from ``settings.CAP_CHANNELS``.

Each entry of ``CAP_CHANNELS`` (ANJIAN_CAP_CHANNELS) is the dotted path of a ``Channel``
class; ``configured()`` imports and builds them, and each constructor reads its own
settings. A path that cannot be imported, is not a channel, or whose settings are missing
stops start-up with ``ImproperlyConfigured`` (``CapConfig.ready`` loads them), as the alarm
backends do (monitoring/channels.py). Default: the console channel only.

- ``SmsGateway`` ("sms"): one JSON POST per message to ``CAP_SMS_URL`` with
  ``Authorization: Bearer CAP_SMS_TOKEN``; a 2xx answer means accepted (sent); the gateway
  reports delivery later to the receipt endpoint (``POST /api/v1/warnings/receipts``).
- ``Email`` ("email"): Django's mail backend; accepted by the mail server counts as
  delivered (e-mail has no receipts).
- ``Webhook`` ("webhook"): the CAP XML to each broadcast or display system of
  ``CAP_WEBHOOKS``, signed as the outbox signs (docs/outbox.md); a 2xx is delivered.
- ``Console`` ("console"): the demo — writes each message to the log. A mobile number
  behaves like SMS (sent, delivered by a receipt), an e-mail address is delivered.

A channel takes addresses of some kinds (``PHONE``, ``EMAIL``, ``ENDPOINT``) and says why
it cannot take one (``refusal``: a landline cannot receive a text) — such a delivery fails
at once, without an attempt. ``send`` never raises for a refusal by the other side: it
answers an ``Outcome``; nothing here touches the database.
"""

import json
import logging
import re
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.outbox import signature

logger = logging.getLogger("anjian.cap.delivery")

PHONE, EMAIL, ENDPOINT = "phone", "email", "endpoint"
USER_AGENT = "anjian-cap/1"
CAP_MEDIA_TYPE = "application/cap+xml"
MIN_SECRET = 16
MOBILE = re.compile(r"1[3-9]\d{9}")


@dataclass(frozen=True)
class Message:
    """What one delivery sends: ``key`` is its id on every attempt (the gateway's and the
    receivers' idempotency key), ``document`` the CAP XML for systems that take it."""

    key: str
    address: str
    subject: str
    text: str  # short: a text message
    body: str = ""  # long: an e-mail (the text when empty)
    document: bytes = b""


@dataclass(frozen=True)
class Outcome:
    """The other side's answer: accepted (``sent``, delivery to follow by receipt),
    ``delivered``, or an ``error`` (in Chinese, for the delivery table) — ``final`` when no
    retry can help."""

    state: str = ""
    error: str = ""
    provider_id: str = ""
    final: bool = False

    @classmethod
    def sent(cls, provider_id: str = "") -> "Outcome":
        return cls(state="sent", provider_id=provider_id[:100])

    @classmethod
    def delivered(cls) -> "Outcome":
        return cls(state="delivered")

    @classmethod
    def failed(cls, error: str, *, final: bool = False) -> "Outcome":
        return cls(error=str(error)[:300], final=final)


def normalise_phone(text: str) -> str:
    """Digits (and the area code's hyphen kept out): "+86 138-0013-8000" → 13800138000."""
    digits = re.sub(r"[\s\-()]", "", text or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def is_mobile(phone: str) -> bool:
    return bool(MOBILE.fullmatch(normalise_phone(phone)))


class Channel:
    """A way out. Subclasses set ``name`` (stored on each delivery), ``label`` and the
    address ``kinds`` they take, in order of preference."""

    name = ""
    label = ""
    kinds: tuple[str, ...] = ()

    def refusal(self, kind: str, address: str) -> str:
        """Why this channel cannot take ``address`` at all ("" when it can)."""
        return ""

    def send(self, message: Message) -> Outcome:
        raise NotImplementedError


def _timeout() -> int:
    return int(settings.CAP_DELIVERY_TIMEOUT_SECONDS)


def _setting(name: str, owner: str) -> str:
    value = getattr(settings, name)
    if not value:
        raise ImproperlyConfigured(f"ANJIAN_{name} is required by anjian.cap.channels.{owner}")
    return value


def _http_url(variable: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(f"ANJIAN_{variable}: {url!r} is not an absolute http(s) URL")
    if parts.username or parts.password:
        raise ImproperlyConfigured(f"ANJIAN_{variable}: the URL must not carry credentials")
    return url


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is not an acceptance (it stays an HTTP 3xx error), as in the outbox."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects())


def post(url: str, body: bytes, headers: dict) -> tuple[bytes, str]:
    """POST ``body``; (the answer's first 4 KB, "") on 2xx, else (b"", why not)."""
    timeout = _timeout()
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"User-Agent": USER_AGENT, **headers}
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.read(4096), ""
    except urllib.error.HTTPError as error:
        error.close()
        return b"", f"HTTP {error.code}"
    except urllib.error.URLError as error:
        reason = error.reason
    except OSError as error:
        reason = error
    if isinstance(reason, TimeoutError):
        return b"", _("超时（%(s)d 秒无应答）") % {"s": timeout}
    return b"", (_("连接失败：%(detail)s") % {"detail": reason})[:300]


class SmsGateway(Channel):
    name = "sms"
    label = gettext_lazy("短信")
    kinds = (PHONE,)

    def __init__(self):
        self.url = _http_url("CAP_SMS_URL", _setting("CAP_SMS_URL", "SmsGateway"))
        self.token = _setting("CAP_SMS_TOKEN", "SmsGateway")

    def refusal(self, kind: str, address: str) -> str:
        return "" if is_mobile(address) else _("不是手机号码，不能接收短信")

    def send(self, message: Message) -> Outcome:
        body = json.dumps(
            {
                "message_id": message.key,
                "to": normalise_phone(message.address),
                "text": message.text,
                "callback_url": receipts_url(),
            },
            ensure_ascii=False,
        ).encode("utf-8")
        answer, error = post(
            self.url,
            body,
            {
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.token}",
                "X-Anjian-Message-Id": message.key,
            },
        )
        if error:
            return Outcome.failed(error)
        return Outcome.sent(_provider_id(answer))


def _provider_id(answer: bytes) -> str:
    """The gateway's own id of the message, when its answer is ``{"id": …}``."""
    try:
        found = json.loads(answer or b"{}")
    except ValueError:
        return ""
    value = found.get("id") if isinstance(found, dict) else None
    return str(value) if isinstance(value, (str, int)) else ""


def receipts_url() -> str:
    """Where the SMS gateway reports delivery (sent with every message)."""
    return settings.SITE_URL.rstrip("/") + "/api/v1/warnings/receipts"


class Email(Channel):
    name = "email"
    label = gettext_lazy("电子邮件")
    kinds = (EMAIL,)

    def send(self, message: Message) -> Outcome:
        sender = settings.CAP_EMAIL_FROM or settings.DEFAULT_FROM_EMAIL
        email = EmailMessage(
            message.subject, message.body or message.text, sender, [message.address]
        )
        try:
            email.send(fail_silently=False)
        except (OSError, ValueError) as error:  # smtplib's errors are OSErrors
            return Outcome.failed(_("邮件服务器未接受：%(e)s") % {"e": error})
        return Outcome.delivered()


class Webhook(Channel):
    """The CAP XML to broadcast and display systems (应急广播、电子显示屏).
    ``CAP_WEBHOOKS``: ``[{"name", "url", "secret", "regions"}]`` — ``regions`` (region codes,
    optional) limits a system to warnings whose area touches them."""

    name = "webhook"
    label = gettext_lazy("广播与显示屏")
    kinds = (ENDPOINT,)

    def __init__(self):
        self.endpoints = {}
        for endpoint in settings.CAP_WEBHOOKS:
            name = endpoint.get("name", "")
            if not name or len(name) > 40:
                raise ImproperlyConfigured("ANJIAN_CAP_WEBHOOKS: a system needs a name (1–40)")
            _http_url("CAP_WEBHOOKS", endpoint.get("url", ""))
            if len(endpoint.get("secret", "")) < MIN_SECRET:
                raise ImproperlyConfigured(
                    f"ANJIAN_CAP_WEBHOOK_SECRETS: {name}'s secret is shorter than "
                    f"{MIN_SECRET} characters"
                )
            self.endpoints[name] = {"regions": [], **endpoint}
        if not self.endpoints:
            raise ImproperlyConfigured(
                "ANJIAN_CAP_WEBHOOKS is required by anjian.cap.channels.Webhook"
            )

    def send(self, message: Message) -> Outcome:
        endpoint = self.endpoints.get(message.address)
        if endpoint is None:
            return Outcome.failed(_("接收系统未配置：%(n)s") % {"n": message.address})
        timestamp = str(int(time.time()))
        _answer, error = post(
            endpoint["url"],
            message.document,
            {
                "Content-Type": f"{CAP_MEDIA_TYPE}; charset=utf-8",
                "X-Anjian-Message-Id": message.key,
                "X-Anjian-Topic": "cap.alert",
                "X-Anjian-Timestamp": timestamp,
                "X-Anjian-Signature": signature(endpoint["secret"], timestamp, message.document),
            },
        )
        return Outcome.failed(error) if error else Outcome.delivered()


class Console(Channel):
    """The demo's channel: the log is the recipient."""

    name = "console"
    label = gettext_lazy("控制台（演示）")
    kinds = (PHONE, EMAIL)

    def refusal(self, kind: str, address: str) -> str:
        if kind == PHONE and not is_mobile(address):
            return _("不是手机号码，不能接收短信")
        return ""

    def send(self, message: Message) -> Outcome:
        logger.info("CAP WARNING to %s: %s — %s", message.address, message.subject, message.text)
        if "@" in message.address:
            return Outcome.delivered()
        return Outcome.sent(f"console-{message.key[:8]}")


# --- loading ---------------------------------------------------------------------------------

_override: ContextVar[list[str] | None] = ContextVar("cap_channels", default=None)


def load(paths: list[str]) -> list[Channel]:
    """Build the channels named by ``paths``; ImproperlyConfigured names the bad one."""
    loaded: dict[str, Channel] = {}
    for path in paths:
        try:
            found = import_string(path)
        except ImportError as error:
            raise ImproperlyConfigured(
                f"ANJIAN_CAP_CHANNELS: cannot import {path!r} ({error})"
            ) from None
        if not (isinstance(found, type) and issubclass(found, Channel)):
            raise ImproperlyConfigured(
                f"ANJIAN_CAP_CHANNELS: {path!r} is not a channel (a subclass of "
                "anjian.cap.channels.Channel)"
            )
        channel = found()
        if not channel.name or channel.name in loaded:
            raise ImproperlyConfigured(
                f"ANJIAN_CAP_CHANNELS: {path!r} has no name or one another channel has "
                f"({channel.name!r})"
            )
        loaded[channel.name] = channel
    return list(loaded.values())


def configured() -> list[Channel]:
    """The channels warnings go out by now."""
    return load(_override.get() or settings.CAP_CHANNELS)


@contextmanager
def only(paths: list[str]):
    """Use ``paths`` instead of the setting inside the block (the demo builds its
    deliveries through the console channel whatever a deployment configures)."""
    token = _override.set(list(paths))
    try:
        yield
    finally:
        _override.reset(token)
