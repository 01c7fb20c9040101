"""The channels: loaded from the setting (a bad one stops start-up), and what each sends —
to a real HTTP gateway in a thread for the SMS and webhook channels."""

import hashlib
import hmac
import json
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured

from anjian.cap import channels
from anjian.cap.tests.test_delivery_support import (
    CONSOLE,
    EMAIL,
    GATEWAY_TOKEN,
    SCREENS_SECRET,
    SMS,
    WEBHOOK,
    configure,
    start_gateway,
)
from config.endpoints import cap_webhooks


@pytest.fixture(scope="module")
def server():
    gateway, _thread = start_gateway()
    yield gateway
    gateway.shutdown()
    gateway.server_close()


@pytest.fixture
def gateway(server, settings):
    server.reset()
    configure(settings, server, SMS, EMAIL, WEBHOOK, CONSOLE)
    return server


MESSAGE = channels.Message(
    key="6f1c2b9e-1111-4a57-9a43-2f7d8f0e6b11",
    address="138 0013 8000",
    subject="高温预警",
    text="【杨浦区应急管理局】高温预警：注意防暑。",
    body="【杨浦区应急管理局】高温预警\n\n注意防暑。",
    document='<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">预警</alert>'.encode(),
)


def by_name(name: str) -> channels.Channel:
    return {channel.name: channel for channel in channels.configured()}[name]


# --- loading ---------------------------------------------------------------------------------


def test_the_default_is_the_console_channel_alone():
    # config/settings.py's default for an unset ANJIAN_CAP_CHANNELS.
    assert [channel.name for channel in channels.configured()] == ["console"]


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        (
            ["anjian.cap.channels.NoSuchChannel"],
            "cannot import 'anjian.cap.channels.NoSuchChannel'",
        ),
        (["anjian.nowhere.Channel"], "cannot import"),
        (["anjian.cap.channels.normalise_phone"], "is not a channel"),
        ([CONSOLE, CONSOLE], "another channel has ('console')"),
    ],
)
def test_a_channel_that_cannot_be_loaded_stops_start_up(paths, expected, settings):
    settings.CAP_CHANNELS = paths
    with pytest.raises(ImproperlyConfigured) as caught:
        channels.configured()
    assert "ANJIAN_CAP_CHANNELS" in str(caught.value)
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"CAP_SMS_URL": ""}, "ANJIAN_CAP_SMS_URL is required"),
        ({"CAP_SMS_TOKEN": ""}, "ANJIAN_CAP_SMS_TOKEN is required"),
        ({"CAP_SMS_URL": "ftp://gateway.example.cn/sms"}, "not an absolute http(s) URL"),
        ({"CAP_SMS_URL": "https://user:pw@gateway.example.cn/sms"}, "must not carry credentials"),
    ],
)
def test_an_sms_gateway_without_its_settings_stops_start_up(changes, expected, settings):
    configure(settings, None, SMS)
    for name, value in changes.items():
        setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured, match="ANJIAN_CAP_SMS") as caught:
        channels.configured()
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("webhooks", "expected"),
    [
        ([], "ANJIAN_CAP_WEBHOOKS is required"),
        ([{"name": "screens", "url": "https://x.example.cn/", "secret": "short"}], "shorter"),
        ([{"name": "", "url": "https://x.example.cn/", "secret": SCREENS_SECRET}], "a name"),
        ([{"name": "s", "url": "x.example.cn", "secret": SCREENS_SECRET}], "not an absolute"),
    ],
)
def test_a_webhook_without_its_systems_stops_start_up(webhooks, expected, settings):
    configure(settings, None, WEBHOOK)
    settings.CAP_WEBHOOKS = webhooks
    with pytest.raises(ImproperlyConfigured) as caught:
        channels.configured()
    assert expected in str(caught.value)


def test_the_demo_overrides_the_setting_only_inside_its_block(settings):
    configure(settings, None, EMAIL)
    with channels.only([CONSOLE]):
        assert [c.name for c in channels.configured()] == ["console"]
    assert [c.name for c in channels.configured()] == ["email"]


# --- sending ---------------------------------------------------------------------------------


def test_a_text_goes_to_the_gateway_with_its_token_and_is_accepted_as_sent(gateway):
    outcome = by_name("sms").send(MESSAGE)
    assert (outcome.state, outcome.provider_id, outcome.error) == ("sent", "gw-1", "")
    (request,) = gateway.received
    assert request["path"] == "/sms"
    assert request["headers"]["Authorization"] == f"Bearer {GATEWAY_TOKEN}"
    assert request["headers"]["X-Anjian-Message-Id"] == MESSAGE.key
    body = json.loads(request["body"])
    assert body["message_id"] == MESSAGE.key
    assert body["to"] == "13800138000"
    assert body["text"] == MESSAGE.text
    assert body["callback_url"].endswith("/api/v1/warnings/receipts")
    assert "杨浦区".encode() in request["body"]  # UTF-8, not \\u escapes


@pytest.mark.parametrize("status", [302, 400, 429, 500, 503])
def test_anything_but_2xx_is_not_accepted(status, gateway):
    gateway.answers.append(status)
    outcome = by_name("sms").send(MESSAGE)
    assert outcome.state == "" and outcome.error == f"HTTP {status}" and not outcome.final


def test_a_gateway_that_is_down_is_a_failed_attempt(gateway, settings):
    settings.CAP_SMS_URL = "http://127.0.0.1:9/sms"  # discard port: nothing listens
    outcome = by_name("sms").send(MESSAGE)
    assert outcome.state == "" and outcome.error.startswith("连接失败")


def test_a_landline_cannot_get_a_text(gateway):
    sms = by_name("sms")
    assert sms.refusal(channels.PHONE, "021-65012345") == "不是手机号码，不能接收短信"
    assert sms.refusal(channels.PHONE, "+86 139-0000-0001") == ""


def test_the_webhook_posts_the_cap_xml_signed_as_the_outbox_signs(gateway):
    message = channels.Message(**{**MESSAGE.__dict__, "address": "screens"})
    outcome = by_name("webhook").send(message)
    assert outcome.state == "delivered"
    (request,) = gateway.received
    headers = request["headers"]
    assert request["path"] == "/screens"
    assert request["body"] == MESSAGE.document
    assert headers["Content-Type"] == "application/cap+xml; charset=utf-8"
    assert headers["X-Anjian-Topic"] == "cap.alert"
    signed = headers["X-Anjian-Timestamp"].encode() + b"." + request["body"]
    expected = "sha256=" + hmac.new(SCREENS_SECRET.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, headers["X-Anjian-Signature"])


def test_a_system_no_longer_configured_is_a_failed_attempt(gateway):
    message = channels.Message(**{**MESSAGE.__dict__, "address": "removed"})
    outcome = by_name("webhook").send(message)
    assert outcome.error == "接收系统未配置：removed"
    assert gateway.received == []


def test_an_email_accepted_by_the_mail_server_is_delivered(gateway, mailoutbox):
    message = channels.Message(**{**MESSAGE.__dict__, "address": "reader@example.cn"})
    assert by_name("email").send(message).state == "delivered"
    (mail,) = mailoutbox
    assert (mail.subject, mail.to, mail.body) == ("高温预警", ["reader@example.cn"], MESSAGE.body)


def test_the_console_logs_texts_as_sent_and_emails_as_delivered(gateway, caplog):
    console = by_name("console")
    with caplog.at_level(logging.INFO, logger="anjian.cap.delivery"):
        text = console.send(MESSAGE)
        mail = console.send(channels.Message(**{**MESSAGE.__dict__, "address": "a@example.cn"}))
    assert (text.state, text.provider_id) == ("sent", "console-6f1c2b9e")
    assert mail.state == "delivered"
    assert "CAP WARNING to 138 0013 8000: 高温预警" in caplog.text
    assert console.refusal(channels.PHONE, "021-65012345")
    assert gateway.received == []


# --- the webhooks' settings (config/endpoints.py) ---------------------------------------------

SECRET = "s" * 16


def test_webhooks_are_read_with_their_secrets_and_regions():
    assert cap_webhooks(
        "screen=https://screens.example.cn/cap,radio=http://10.0.0.5/in",
        f"screen={SECRET},radio={SECRET}",
        "screen=310110016 310110017",
    ) == [
        {
            "name": "screen",
            "url": "https://screens.example.cn/cap",
            "secret": SECRET,
            "regions": ["310110016", "310110017"],
        },
        {"name": "radio", "url": "http://10.0.0.5/in", "secret": SECRET, "regions": []},
    ]
    assert cap_webhooks("", "", "") == []


@pytest.mark.parametrize(
    ("urls", "secrets", "regions", "message"),
    [
        ("screen=https://s.example.cn/", "screen=short", "", "at least 16 characters"),
        ("screen=https://s.example.cn/", "", "", "needs a secret"),
        ("screen=https://s.example.cn/", f"screen={SECRET},tv={SECRET}", "", "'tv' is not in"),
        ("screen=https://s.example.cn/", f"screen={SECRET}", "tv=310110016", "'tv' is not in"),
        ("screen=ftp://s.example.cn/", f"screen={SECRET}", "", "not an absolute http"),
        ("screen=https://u:p@s.example.cn/", f"screen={SECRET}", "", "carries credentials"),
        ("screen", f"screen={SECRET}", "", "is not name="),
    ],
)
def test_a_wrong_webhook_setting_stops_the_start(urls, secrets, regions, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        cap_webhooks(urls, secrets, regions)
