"""Typed reads of environment variables that fail loudly on bad values.

Every setting anjian takes from the environment goes through one of these
functions, so a typo such as ``ANJIAN_DEBUG=ture`` stops start-up with the
variable's name instead of silently meaning something else.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false, 1/0, yes/no)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        allowed = ", ".join(sorted(choices))
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {allowed}")
    return value


def env_int_map(
    name: str, default: dict[str, int], *, minimum: int | None = None
) -> dict[str, int]:
    """Integers by key, written ``key=value`` separated by commas (``street=5,district=15``).

    The keys are those of ``default``; a key left out keeps its default. An unknown or
    repeated key, a pair without ``=`` and a value that is not an integer (or is below
    ``minimum``) stop start-up naming the variable.
    """
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return dict(default)
    example = ",".join(f"{key}={value}" for key, value in default.items())
    allowed = ", ".join(sorted(default))
    values = dict(default)
    seen: set[str] = set()
    for item in raw.split(","):
        if not item.strip():
            continue
        key, equals, number = (part.strip() for part in item.partition("="))
        if not equals:
            raise ImproperlyConfigured(
                f"{name}: {item.strip()!r} is not key=value (e.g. {example})"
            )
        if key not in default:
            raise ImproperlyConfigured(f"{name}: unknown key {key!r} (use {allowed})")
        if key in seen:
            raise ImproperlyConfigured(f"{name}: {key!r} is given twice")
        seen.add(key)
        try:
            value = int(number)
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {key}={number!r} is not an integer") from None
        if minimum is not None and value < minimum:
            raise ImproperlyConfigured(f"{name}: {key}={value} must be at least {minimum}")
        values[key] = value
    return values


def env_dotted_paths(name: str, default: list[str]) -> list[str]:
    """A comma-separated list of dotted Python paths (``package.module.callable``).

    Only their shape is checked here (settings cannot import application code); whoever
    imports them names the variable when one cannot be imported.
    """
    paths = env_list(name, default)
    for path in paths:
        parts = path.split(".")
        if len(parts) < 2 or not all(part.isidentifier() for part in parts):
            raise ImproperlyConfigured(
                f"{name}: {path!r} is not a dotted Python path (e.g. package.module.send)"
            )
    return paths
