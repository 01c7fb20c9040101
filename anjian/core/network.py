"""The client's network address, believing X-Forwarded-For only from trusted reverse proxies.

Behind a reverse proxy every request arrives from the proxy's address; the client's own
address is in the ``X-Forwarded-For`` header the proxy appends to. Anyone can send that
header, so it is read only when the request comes from a proxy listed in
``settings.TRUSTED_PROXIES`` (``ANJIAN_TRUSTED_PROXIES``: addresses or CIDR networks).

The header is then read from the right: each proxy appends the address it was connected
from, so the right-most entry that is not itself a trusted proxy is the client; entries
further left were written by the client and are never looked at. A value that is not an
IP address where the walk needs one ends the walk at the last trusted hop (a proxy that
writes nonsense cannot vouch for what is left of it).

Used for login lock-outs (``AXES_CLIENT_IP_CALLABLE``) and the audit trail's remote address
(``anjian.core.middleware.AuditlogMiddleware``); other apps should use it too.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry) for entry in entries)


def trusted_networks() -> tuple[Network, ...]:
    """The configured proxies (validated at start-up by config.settings)."""
    return _networks(tuple(settings.TRUSTED_PROXIES))


def parse_address(value: str | None) -> Address | None:
    """An IP address from a header or REMOTE_ADDR value, or None when it is not one.

    Accepts ``1.2.3.4``, ``1.2.3.4:5678``, ``2001:db8::1`` and ``[2001:db8::1]:5678``;
    IPv4-mapped IPv6 addresses become IPv4.
    """
    text = (value or "").strip()
    if text.startswith("["):
        text, bracket, _port = text[1:].partition("]")
        if not bracket:
            return None
    elif text.count(":") == 1:  # IPv4 with a port
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_trusted_proxy(address: Address | None) -> bool:
    return address is not None and any(address in network for network in trusted_networks())


def from_trusted_proxy(request) -> bool:
    """Whether the request's immediate peer (REMOTE_ADDR) is a configured proxy."""
    meta = getattr(request, "META", {})
    return is_trusted_proxy(parse_address(meta.get("REMOTE_ADDR")))


def client_ip(request) -> str | None:
    """The client's address: from X-Forwarded-For when REMOTE_ADDR is a trusted proxy,
    else REMOTE_ADDR itself; None when there is no valid address at all."""
    meta = getattr(request, "META", {})
    client = parse_address(meta.get("REMOTE_ADDR"))
    if not is_trusted_proxy(client):
        return str(client) if client is not None else None
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",") if forwarded else []):
        hop = parse_address(entry)
        if hop is None:
            break
        client = hop
        if not is_trusted_proxy(hop):
            break
    return str(client)
