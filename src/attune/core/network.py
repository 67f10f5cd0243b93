"""Which network address a request comes from: the one every throttle, session list and audit row uses.

Behind the documented TLS proxy every request arrives from the proxy's address, so a throttle keyed on the peer
would make everyone share one counter (anyone's wrong passwords slowing everyone, an abuser keeping a survivor
from signing in). `X-Forwarded-For` is believed only when the peer is a proxy the operator named in
`ATTUNE_TRUSTED_PROXIES` (addresses or networks, comma-separated): the header is read from the right, skipping
trusted proxies, and the first address that is not one of them is the client. From any other peer the header
is ignored, since anyone can write it.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _parse(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _parse(tuple(settings.ATTUNE_TRUSTED_PROXIES)))


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_address(request: HttpRequest) -> str:
    peer = str(request.META.get("REMOTE_ADDR", ""))
    if not _trusted(peer):
        return peer
    header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    forwarded = [a.strip() for a in header.split(",") if a.strip()]
    for address in reversed(forwarded):
        if not _valid(address):
            # A malformed hop: what lies left of it cannot be trusted either; the last good hop is the client.
            break
        if not _trusted(address):
            return address
        peer = address
    return peer
