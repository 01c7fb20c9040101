"""ANJIAN_EXPORT_SYNC_ROWS — how many rows an Excel export writes inside the request before
it becomes a background job (core/exports.py) — is read like every setting: a bad value
stops start-up naming the variable."""

import os

import pytest
from django.conf import settings

from anjian.core import exports
from anjian.core.tests.test_env import refused, start_settings


def test_the_default_is_five_thousand_rows():
    assert exports.sync_rows() == settings.EXPORT_SYNC_ROWS
    if "ANJIAN_EXPORT_SYNC_ROWS" not in os.environ:
        assert settings.EXPORT_SYNC_ROWS == 5000


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("5k", "ANJIAN_EXPORT_SYNC_ROWS='5k' is not an integer"),
        ("-1", "ANJIAN_EXPORT_SYNC_ROWS=-1 must be at least 0"),
    ],
)
def test_a_bad_value_stops_start_up(tmp_path, value, message):
    assert refused(tmp_path, ANJIAN_EXPORT_SYNC_ROWS=value) == message


def test_zero_is_accepted_every_export_a_job(tmp_path):
    result = start_settings(tmp_path, ANJIAN_EXPORT_SYNC_ROWS="0")
    assert result.returncode == 0, result.stderr
