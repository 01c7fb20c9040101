"""``anjian broker_auth``: the broker's logins and permissions written from the registry —
one login per active device and gateway, each allowed its own topic only, no anonymous
login, the ingest account allowed only to consume; unchanged registry, unchanged files."""

import re

import pytest
from django.core.management import CommandError, call_command

from anjian.monitoring import broker, hashes, services
from anjian.monitoring.models import Device
from anjian.monitoring.tests.factories import device_with_token
from testsupport import world


@pytest.fixture(autouse=True)
def ingest_account(settings):
    settings.BROKER_USER = "anjian.ingest"
    settings.BROKER_PASSWORD = "ingest-Secret-2026"


def test_nats_logins_allow_each_device_its_own_subject_only(db, tmp_path):
    tank, token = device_with_token("TK-AUTH")
    call_command("broker_auth", broker="nats", out=str(tmp_path))
    text = (tmp_path / "anjian-auth.conf").read_text()
    subject = f"anjian.v1.{tank.enterprise.credit_code}.TK-AUTH.telemetry"
    line = next(line for line in text.splitlines() if 'user: "TK-AUTH"' in line)
    assert f'publish: {{allow: ["{subject}"]}}' in line
    assert 'subscribe: {deny: [">"]}' in line and '"MQTT"' in line
    stored = re.search(r'password: "([^"]+)"', line).group(1)
    assert hashes.bcrypt_matches(token, stored) and not hashes.bcrypt_matches("dv_x", stored)
    assert "no_auth_user" not in text
    ingest = text[text.index('user: "anjian.ingest"') :].split("}}", 1)[0]
    assert "anjian.v1" not in ingest  # the ingest account publishes no telemetry


def test_mosquitto_files_match_what_mosquitto_passwd_writes(db, tmp_path):
    tank, token = device_with_token("TK-MQ")
    call_command("broker_auth", broker="mosquitto", out=str(tmp_path))
    passwords = dict(
        line.split(":", 1) for line in (tmp_path / "anjian-passwd").read_text().splitlines()
    )
    assert hashes.pbkdf2_matches(token, passwords["TK-MQ"])
    assert hashes.pbkdf2_matches("ingest-Secret-2026", passwords["anjian.ingest"])
    acl = (tmp_path / "anjian-acl").read_text()
    assert f"user TK-MQ\ntopic write {tank.topic}\n" in acl
    assert "user anjian.ingest\ntopic read anjian/v1/+/+/telemetry\n" in acl


def test_inactive_devices_and_old_tokens_get_no_login_and_are_named(db, tmp_path, capsys):
    off, _token = device_with_token("TK-OFF")
    services.device_update(
        by=world.actor("district_official"),
        device_id=off.pk,
        data={"is_active": False},
        expected_version=off.version,
    )
    old, _token = device_with_token("TK-OLD")
    Device.objects.filter(pk=old.pk).update(broker_bcrypt="", broker_pbkdf2="")
    call_command("broker_auth", broker="nats", out=str(tmp_path))
    text = (tmp_path / "anjian-auth.conf").read_text()
    assert "TK-OFF" not in text and "TK-OLD" not in text
    assert "TK-OLD：令牌签发于升级之前，请重新生成令牌" in capsys.readouterr().err


def test_an_unchanged_registry_writes_an_identical_file(db, tmp_path):
    device_with_token("TK-SAME")
    first = broker.write_auth("nats", tmp_path)
    again = broker.write_auth("nats", tmp_path)
    assert first.changed and not again.changed
    device_with_token("TK-NEW")
    assert broker.write_auth("nats", tmp_path).changed


def test_without_the_ingest_password_nothing_is_written(db, tmp_path, settings):
    settings.BROKER_PASSWORD = ""
    with pytest.raises(CommandError, match="ANJIAN_BROKER_PASSWORD"):
        call_command("broker_auth", broker="nats", out=str(tmp_path))
    assert not (tmp_path / "anjian-auth.conf").exists()
