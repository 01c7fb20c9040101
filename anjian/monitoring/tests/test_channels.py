"""The alarm notice backends come from ANJIAN_MONITORING_ALARM_BACKENDS and fail loudly."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from anjian.monitoring import channels


def test_the_default_backend_writes_to_the_log():
    assert channels.backends() == [channels.console]


def test_no_backend_means_the_in_app_inbox_only(settings):
    settings.MONITORING_ALARM_BACKENDS = []
    assert channels.backends() == []


@pytest.mark.parametrize("path", ["anjian.monitoring.channels.sms", "sms_gateway.send"])
def test_a_backend_that_cannot_be_imported_names_the_variable(settings, path):
    settings.MONITORING_ALARM_BACKENDS = ["anjian.monitoring.channels.console", path]
    with pytest.raises(ImproperlyConfigured) as caught:
        channels.backends()
    assert str(caught.value).startswith(f"ANJIAN_MONITORING_ALARM_BACKENDS: cannot import {path!r}")


def test_a_backend_that_is_not_callable_names_the_variable(settings):
    settings.MONITORING_ALARM_BACKENDS = ["anjian.monitoring.channels.logger"]
    with pytest.raises(ImproperlyConfigured) as caught:
        channels.backends()
    assert str(caught.value) == (
        "ANJIAN_MONITORING_ALARM_BACKENDS: 'anjian.monitoring.channels.logger' is not a "
        "send(recipients, subject, text) callable"
    )


def test_a_backend_that_cannot_be_imported_stops_start_up(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ANJIAN_") and key not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        ANJIAN_SECRET_KEY="test-secret-key-for-a-subprocess",
        ANJIAN_VAR_DIR=str(tmp_path / "var"),
        ANJIAN_MONITORING_ALARM_BACKENDS="anjian.monitoring.channels.sms",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(
        "django.core.exceptions.ImproperlyConfigured: ANJIAN_MONITORING_ALARM_BACKENDS: "
        "cannot import 'anjian.monitoring.channels.sms'"
    ), result.stderr
