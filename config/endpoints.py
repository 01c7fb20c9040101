"""Outside systems the settings name by URL with a shared secret each — the upper-level
receivers of 直报 (accidents' outbox) and the warnings' broadcast webhooks: their
variables parsed and checked, refusing start-up (ImproperlyConfigured, naming the
variable) on anything that would fail at the first delivery instead."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

MIN_SECRET = 16


def name_value_pairs(variable: str, raw: str, what: str) -> dict[str, str]:
    """``name=value`` pairs separated by commas; a value may contain ``=``."""
    pairs: dict[str, str] = {}
    for item in raw.split(","):
        if not item.strip():
            continue
        name, equals, value = (part.strip() for part in item.partition("="))
        if not equals or not value:
            raise ImproperlyConfigured(f"{variable}: {item.strip()!r} is not name={what}")
        if not re.fullmatch(r"[\w-]{1,40}", name):
            raise ImproperlyConfigured(
                f"{variable}: receiver name {name!r} must be 1–40 letters, digits, _ or -"
            )
        if name in pairs:
            raise ImproperlyConfigured(f"{variable}: receiver {name!r} is given twice")
        pairs[name] = value
    return pairs


def direct_report_receivers(receivers: str, secrets: str, *, allow_http: bool) -> list[dict]:
    """The receivers as ``[{"name", "url", "secret"}]`` from the two variables' raw values.

    Refuses (naming the variable) a URL that is not absolute https (http only with
    ANJIAN_DIRECT_REPORT_ALLOW_HTTP, for local testing) or carries credentials, a receiver
    without a secret, a secret for no receiver and a secret shorter than 16 characters.
    """
    urls = name_value_pairs("ANJIAN_DIRECT_REPORT_RECEIVERS", receivers, "https://…")
    keys = name_value_pairs("ANJIAN_DIRECT_REPORT_SECRETS", secrets, "secret")
    schemes = {"https", "http"} if allow_http else {"https"}
    result = []
    for name, url in urls.items():
        parts = urlsplit(url)
        if parts.scheme == "http" and not allow_http:
            raise ImproperlyConfigured(
                f"ANJIAN_DIRECT_REPORT_RECEIVERS: {name}={url!r} is plain http; use https "
                "(http only with ANJIAN_DIRECT_REPORT_ALLOW_HTTP=true, for local testing)"
            )
        if parts.scheme not in schemes or not parts.hostname:
            raise ImproperlyConfigured(
                f"ANJIAN_DIRECT_REPORT_RECEIVERS: {name}={url!r} is not an absolute https URL"
            )
        if parts.username or parts.password:
            raise ImproperlyConfigured(
                f"ANJIAN_DIRECT_REPORT_RECEIVERS: {name}'s URL carries credentials; "
                "its secret goes in ANJIAN_DIRECT_REPORT_SECRETS"
            )
        if name not in keys:
            raise ImproperlyConfigured(f"ANJIAN_DIRECT_REPORT_SECRETS: no secret for {name!r}")
        if len(keys[name]) < MIN_SECRET:
            raise ImproperlyConfigured(
                f"ANJIAN_DIRECT_REPORT_SECRETS: {name}'s secret is shorter than "
                f"{MIN_SECRET} characters"
            )
        result.append({"name": name, "url": url, "secret": keys[name]})
    unknown = sorted(set(keys) - set(urls))
    if unknown:
        raise ImproperlyConfigured(
            f"ANJIAN_DIRECT_REPORT_SECRETS: {', '.join(unknown)} is not a receiver "
            "in ANJIAN_DIRECT_REPORT_RECEIVERS"
        )
    return result


def cap_webhooks(urls: str, secrets: str, regions: str) -> list[dict]:
    """Broadcast and display systems as ``[{"name", "url", "secret", "regions"}]``: every
    webhook needs a secret of at least 16 characters; ``regions`` (codes separated by
    spaces) limits a system to warnings of those regions (empty: all)."""
    hooks = name_value_pairs("ANJIAN_CAP_WEBHOOKS", urls, "https://…")
    keys = name_value_pairs("ANJIAN_CAP_WEBHOOK_SECRETS", secrets, "secret")
    areas = name_value_pairs("ANJIAN_CAP_WEBHOOK_REGIONS", regions, "310110016 310110017")
    for name in sorted(set(keys) | set(areas)):
        if name not in hooks:
            raise ImproperlyConfigured(
                f"ANJIAN_CAP_WEBHOOK_SECRETS/REGIONS: {name!r} is not in ANJIAN_CAP_WEBHOOKS"
            )
    result = []
    for name, url in hooks.items():
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ImproperlyConfigured(
                f"ANJIAN_CAP_WEBHOOKS: {name}={url!r} is not an absolute http(s) URL"
            )
        if parts.username or parts.password:
            raise ImproperlyConfigured(
                f"ANJIAN_CAP_WEBHOOKS: {name}'s URL carries credentials; its secret goes in "
                "ANJIAN_CAP_WEBHOOK_SECRETS"
            )
        if len(keys.get(name, "")) < MIN_SECRET:
            raise ImproperlyConfigured(
                f"ANJIAN_CAP_WEBHOOK_SECRETS: {name!r} needs a secret of at least "
                f"{MIN_SECRET} characters"
            )
        result.append(
            {"name": name, "url": url, "secret": keys[name], "regions": areas.get(name, "").split()}
        )
    return result
