"""Settings come from the environment and fail loudly on bad values (STYLE habit 12).

The ``config.env`` readers are tested directly; the settings module is imported in a
fresh interpreter with a bad environment, as a deployment would start it.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_choice,
    env_dotted_paths,
    env_int,
    env_int_map,
    env_list,
    env_str,
)

ROOT = Path(settings.BASE_DIR)

# --- the readers -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "on", " True "])
def test_env_bool_reads_true_words(monkeypatch, raw):
    monkeypatch.setenv("ANJIAN_X", raw)
    assert env_bool("ANJIAN_X") is True


@pytest.mark.parametrize("raw", ["0", "false", "no", "off", "", "OFF"])
def test_env_bool_reads_false_words(monkeypatch, raw):
    monkeypatch.setenv("ANJIAN_X", raw)
    assert env_bool("ANJIAN_X", default=True) is False


def test_env_bool_uses_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("ANJIAN_X", raising=False)
    assert env_bool("ANJIAN_X", default=True) is True
    assert env_bool("ANJIAN_X") is False


@pytest.mark.parametrize("raw", ["ture", "y", "2", "enabled"])
def test_env_bool_refuses_anything_else_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("ANJIAN_DEBUG", raw)
    with pytest.raises(ImproperlyConfigured) as caught:
        env_bool("ANJIAN_DEBUG")
    assert str(caught.value) == (
        f"ANJIAN_DEBUG={raw!r} is not a boolean (use true/false, 1/0, yes/no)"
    )


def test_env_int_reads_integers_and_defaults_when_unset_or_blank(monkeypatch):
    monkeypatch.setenv("ANJIAN_X", " 42 ")
    assert env_int("ANJIAN_X", 7) == 42
    monkeypatch.setenv("ANJIAN_X", "  ")
    assert env_int("ANJIAN_X", 7) == 7
    monkeypatch.delenv("ANJIAN_X")
    assert env_int("ANJIAN_X", 7) == 7


@pytest.mark.parametrize("raw", ["thirty", "1.5", "1e3", "0x10"])
def test_env_int_refuses_non_integers(monkeypatch, raw):
    monkeypatch.setenv("ANJIAN_X", raw)
    with pytest.raises(ImproperlyConfigured, match=r"^ANJIAN_X='.*' is not an integer$"):
        env_int("ANJIAN_X", 7)


def test_env_int_refuses_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("ANJIAN_X", "0")
    with pytest.raises(ImproperlyConfigured, match=r"^ANJIAN_X=0 must be at least 1$"):
        env_int("ANJIAN_X", 7, minimum=1)
    monkeypatch.setenv("ANJIAN_X", "1")
    assert env_int("ANJIAN_X", 7, minimum=1) == 1


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("ANJIAN_X", " a.gov.cn, ,b.gov.cn ,")
    assert env_list("ANJIAN_X", ["d"]) == ["a.gov.cn", "b.gov.cn"]
    monkeypatch.delenv("ANJIAN_X")
    assert env_list("ANJIAN_X", ["d"]) == ["d"]


def test_env_choice_accepts_only_its_choices(monkeypatch):
    monkeypatch.setenv("ANJIAN_X", "WARNING")
    assert env_choice("ANJIAN_X", "INFO", {"INFO", "WARNING"}) == "WARNING"
    monkeypatch.setenv("ANJIAN_X", "warning")
    with pytest.raises(ImproperlyConfigured) as caught:
        env_choice("ANJIAN_X", "INFO", {"INFO", "WARNING"})
    assert str(caught.value) == "ANJIAN_X='warning' is not one of: INFO, WARNING"


def test_env_str_reads_or_defaults(monkeypatch):
    monkeypatch.setenv("ANJIAN_X", "value")
    assert env_str("ANJIAN_X", "d") == "value"
    monkeypatch.delenv("ANJIAN_X")
    assert env_str("ANJIAN_X", "d") == "d"


STEPS = {"street": 5, "district": 15}


def test_env_int_map_reads_key_value_pairs_and_keeps_the_default_of_a_key_left_out(monkeypatch):
    monkeypatch.setenv("ANJIAN_X", " street = 3 , district=30 ")
    assert env_int_map("ANJIAN_X", STEPS) == {"street": 3, "district": 30}
    monkeypatch.setenv("ANJIAN_X", "district=30,")
    assert env_int_map("ANJIAN_X", STEPS) == {"street": 5, "district": 30}
    monkeypatch.setenv("ANJIAN_X", " ")
    assert env_int_map("ANJIAN_X", STEPS) == STEPS
    monkeypatch.delenv("ANJIAN_X")
    assert env_int_map("ANJIAN_X", STEPS) == STEPS
    assert env_int_map("ANJIAN_X", STEPS) is not STEPS  # callers may not change the default


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("street", "ANJIAN_X: 'street' is not key=value (e.g. street=5,district=15)"),
        ("street:5", "ANJIAN_X: 'street:5' is not key=value (e.g. street=5,district=15)"),
        ("town=5", "ANJIAN_X: unknown key 'town' (use district, street)"),
        ("Street=5", "ANJIAN_X: unknown key 'Street' (use district, street)"),
        ("street=5,street=6", "ANJIAN_X: 'street' is given twice"),
        ("street=five", "ANJIAN_X: street='five' is not an integer"),
        ("street=", "ANJIAN_X: street='' is not an integer"),
        ("district=1.5", "ANJIAN_X: district='1.5' is not an integer"),
        ("street=-1", "ANJIAN_X: street=-1 must be at least 0"),
    ],
)
def test_env_int_map_refuses_bad_pairs_naming_the_variable(monkeypatch, raw, message):
    monkeypatch.setenv("ANJIAN_X", raw)
    with pytest.raises(ImproperlyConfigured) as caught:
        env_int_map("ANJIAN_X", STEPS, minimum=0)
    assert str(caught.value) == message


def test_env_dotted_paths_reads_a_list_of_python_paths(monkeypatch):
    monkeypatch.setenv("ANJIAN_X", "sms.gateway.send, anjian.monitoring.channels.console")
    assert env_dotted_paths("ANJIAN_X", ["a.b"]) == [
        "sms.gateway.send",
        "anjian.monitoring.channels.console",
    ]
    monkeypatch.setenv("ANJIAN_X", "")
    assert env_dotted_paths("ANJIAN_X", ["a.b"]) == []
    monkeypatch.delenv("ANJIAN_X")
    assert env_dotted_paths("ANJIAN_X", ["a.b"]) == ["a.b"]


@pytest.mark.parametrize("path", ["console", "sms gateway.send", "sms/gateway.send", "sms..send"])
def test_env_dotted_paths_refuses_what_is_not_a_dotted_path(monkeypatch, path):
    monkeypatch.setenv("ANJIAN_X", f"a.b,{path}")
    with pytest.raises(ImproperlyConfigured) as caught:
        env_dotted_paths("ANJIAN_X", [])
    assert str(caught.value) == (
        f"ANJIAN_X: {path!r} is not a dotted Python path (e.g. package.module.send)"
    )


# --- the settings module, started with a given environment -------------------------------------

PROBE = (
    "import json, django; from django.conf import settings; "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'debug': settings.DEBUG, 'engine': db['ENGINE'], "
    "'test_name': db.get('TEST', {}).get('NAME'), 'session_age': settings.SESSION_COOKIE_AGE, "
    "'axes_limit': settings.AXES_FAILURE_LIMIT, 'hsts': settings.SECURE_HSTS_SECONDS, "
    "'secure_cookie': settings.SESSION_COOKIE_SECURE, 'img_src': settings.SECURE_CSP['img-src'], "
    "'escalation': settings.MONITORING_ESCALATION_MINUTES, "
    "'backends': settings.MONITORING_ALARM_BACKENDS, "
    "'registry': settings.MONITORING_REGISTRY_SECONDS, "
    "'future': settings.MONITORING_FUTURE_TOLERANCE_SECONDS, "
    "'retention': settings.MONITORING_RETENTION_MONTHS}))"
)


def start_settings(tmp_path, **environment) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ANJIAN_") and key not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        ANJIAN_SECRET_KEY="test-secret-key-for-a-subprocess",
        ANJIAN_VAR_DIR=str(tmp_path / "var"),
    )
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def refused(tmp_path, **environment) -> str:
    result = start_settings(tmp_path, **environment)
    assert result.returncode != 0, result.stdout
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: "), result.stderr
    return last_line.removeprefix("django.core.exceptions.ImproperlyConfigured: ")


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "ANJIAN_DEBUG",
            "ture",
            "ANJIAN_DEBUG='ture' is not a boolean (use true/false, 1/0, yes/no)",
        ),
        (
            "ANJIAN_HTTPS",
            "maybe",
            "ANJIAN_HTTPS='maybe' is not a boolean (use true/false, 1/0, yes/no)",
        ),
        (
            "ANJIAN_SESSION_IDLE_MINUTES",
            "thirty",
            "ANJIAN_SESSION_IDLE_MINUTES='thirty' is not an integer",
        ),
        ("ANJIAN_SESSION_IDLE_MINUTES", "0", "ANJIAN_SESSION_IDLE_MINUTES=0 must be at least 1"),
        ("ANJIAN_LOGIN_FAILURE_LIMIT", "0", "ANJIAN_LOGIN_FAILURE_LIMIT=0 must be at least 1"),
        ("ANJIAN_LOGIN_THROTTLING", "disable", None),
        ("ANJIAN_API_TOKEN_DAYS", "-1", "ANJIAN_API_TOKEN_DAYS=-1 must be at least 1"),
        (
            "ANJIAN_LOG_LEVEL",
            "verbose",
            "ANJIAN_LOG_LEVEL='verbose' is not one of: DEBUG, ERROR, INFO, WARNING",
        ),
        (
            "ANJIAN_REGION_ROOT",
            "3",
            "ANJIAN_REGION_ROOT must be a 2-, 4- or 6-digit GB/T 2260 code",
        ),
        (
            "ANJIAN_REGION_ROOT",
            "31011a",
            "ANJIAN_REGION_ROOT must be a 2-, 4- or 6-digit GB/T 2260 code",
        ),
        (
            "ANJIAN_MAP_TILE_URL",
            "tiles/{z}/{x}/{y}.png",
            "ANJIAN_MAP_TILE_URL must be an absolute http(s) URL template",
        ),
        (
            "ANJIAN_MONITORING_ESCALATION_MINUTES",
            "street=five",
            "ANJIAN_MONITORING_ESCALATION_MINUTES: street='five' is not an integer",
        ),
        (
            "ANJIAN_MONITORING_ESCALATION_MINUTES",
            "5,15",
            "ANJIAN_MONITORING_ESCALATION_MINUTES: '5' is not key=value "
            "(e.g. street=5,district=15)",
        ),
        (
            "ANJIAN_MONITORING_ESCALATION_MINUTES",
            "city=30",
            "ANJIAN_MONITORING_ESCALATION_MINUTES: unknown key 'city' (use district, street)",
        ),
        (
            "ANJIAN_MONITORING_ESCALATION_MINUTES",
            "street=20",
            "ANJIAN_MONITORING_ESCALATION_MINUTES: the street is told before the district "
            "(street=20 > district=15)",
        ),
        (
            "ANJIAN_MONITORING_ALARM_BACKENDS",
            "console",
            "ANJIAN_MONITORING_ALARM_BACKENDS: 'console' is not a dotted Python path "
            "(e.g. package.module.send)",
        ),
        (
            "ANJIAN_MONITORING_REGISTRY_SECONDS",
            "-1",
            "ANJIAN_MONITORING_REGISTRY_SECONDS=-1 must be at least 0",
        ),
        (
            "ANJIAN_MONITORING_FUTURE_TOLERANCE_SECONDS",
            "5m",
            "ANJIAN_MONITORING_FUTURE_TOLERANCE_SECONDS='5m' is not an integer",
        ),
        (
            "ANJIAN_MONITORING_RETENTION_MONTHS",
            "0",
            "ANJIAN_MONITORING_RETENTION_MONTHS=0 must be at least 1",
        ),
        ("DATABASE_URL", "mysql://anjian@127.0.0.1/anjian", None),
        ("DATABASE_URL", "sqlite:////tmp/anjian.sqlite3", None),
        ("DATABASE_URL", "nonsense", None),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(tmp_path, variable, value, message):
    error = refused(tmp_path, **{variable: value})
    if message is not None:
        assert error == message
    else:
        assert error.startswith(variable), error


def test_a_database_url_that_is_not_postgresql_is_refused(tmp_path):
    message = "DATABASE_URL must point to PostgreSQL (postgres://…)"
    assert refused(tmp_path, DATABASE_URL="mysql://anjian@127.0.0.1/anjian") == message
    # SQLite is the default without DATABASE_URL, never through it.
    assert refused(tmp_path, DATABASE_URL="sqlite:////tmp/anjian.sqlite3") == message


def test_a_database_url_that_is_not_a_url_is_refused(tmp_path):
    error = refused(tmp_path, DATABASE_URL="nonsense")
    assert error.startswith("DATABASE_URL is not a valid database URL: ")


def test_without_a_database_url_settings_use_sqlite_in_the_var_directory(tmp_path):
    result = start_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["debug"] is False
    assert values["session_age"] == 30 * 60
    assert values["axes_limit"] == 5
    assert values["hsts"] == 0
    assert values["secure_cookie"] is False
    assert values["escalation"] == {"street": 5, "district": 15}
    assert values["backends"] == ["anjian.monitoring.channels.console"]
    assert (values["registry"], values["future"], values["retention"]) == (15, 300, 13)
    assert (tmp_path / "var").is_dir()


def test_a_postgresql_url_selects_postgresql_with_its_own_test_database(tmp_path):
    result = start_settings(
        tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/anjian",
        ANJIAN_TEST_DATABASE="test_elsewhere",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["test_name"] == "test_elsewhere"


def test_good_values_are_read_as_given(tmp_path):
    result = start_settings(
        tmp_path,
        ANJIAN_DEBUG="yes",
        ANJIAN_SESSION_IDLE_MINUTES="45",
        ANJIAN_LOGIN_FAILURE_LIMIT="3",
        ANJIAN_HTTPS="on",
        ANJIAN_MAP_TILE_URL="https://{s}.tiles.example.gov.cn/{z}/{x}/{y}.png",
        ANJIAN_MONITORING_ESCALATION_MINUTES="district=30",
        ANJIAN_MONITORING_ALARM_BACKENDS="sms.gateway.send,anjian.monitoring.channels.console",
        ANJIAN_MONITORING_REGISTRY_SECONDS="0",
        ANJIAN_MONITORING_FUTURE_TOLERANCE_SECONDS="60",
        ANJIAN_MONITORING_RETENTION_MONTHS="25",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["escalation"] == {"street": 5, "district": 30}
    assert values["backends"] == ["sms.gateway.send", "anjian.monitoring.channels.console"]
    assert (values["registry"], values["future"], values["retention"]) == (0, 60, 25)
    assert values["debug"] is True
    assert values["session_age"] == 45 * 60
    assert values["axes_limit"] == 3
    assert values["hsts"] == 31536000
    assert values["secure_cookie"] is True
    assert values["img_src"] == ["'self'", "data:", "https://*.tiles.example.gov.cn"]


def test_without_a_secret_key_one_is_generated_once_and_kept(tmp_path):
    first = start_settings(tmp_path, ANJIAN_SECRET_KEY="")
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "var" / "secret_key"
    key = key_file.read_text()
    assert len(key) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    second = start_settings(tmp_path, ANJIAN_SECRET_KEY="")
    assert second.returncode == 0, second.stderr
    assert key_file.read_text() == key
