"""Forwarded headers believed only from the reverse proxies named in RECYCLIC_TRUSTED_PROXIES.

Without it, anyone who can reach the server could claim any address in `X-Forwarded-For`
and walk around the per-address limits. The client address becomes the nearest address in
the chain that is not one of our proxies; the scheme comes from `X-Forwarded-Proto`.
"""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network, ip_address

from starlette.types import ASGIApp, Receive, Scope, Send

Networks = tuple[IPv4Network | IPv6Network, ...]


def _is_trusted(host: str, networks: Networks) -> bool:
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in networks)


def _header(scope: Scope, name: bytes) -> str | None:
    # Several lines of the same header are one comma-separated list (RFC 9110).
    values = [value.decode("latin-1") for key, value in scope["headers"] if key == name]
    return ",".join(values) if values else None


def forwarded_client(chain: str, networks: Networks) -> str | None:
    """The first address from the right of `X-Forwarded-For` that is not a trusted proxy."""
    hops = [hop.strip() for hop in chain.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            try:
                return str(ip_address(hop))
            except ValueError:
                return None  # garbage in the chain: keep the proxy's own address
    return hops[0] if hops else None


class TrustedProxyMiddleware:
    """Pure ASGI; does nothing (one tuple test) when no proxy is configured."""

    def __init__(self, app: ASGIApp, networks: Networks) -> None:
        self.app = app
        self.networks = networks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.networks and scope["type"] in ("http", "websocket"):
            client = scope.get("client")
            if client and _is_trusted(client[0], self.networks):
                chain = _header(scope, b"x-forwarded-for")
                if chain:
                    host = forwarded_client(chain, self.networks)
                    if host:
                        scope["client"] = (host, 0)
                proto = _header(scope, b"x-forwarded-proto")
                if proto:
                    # The nearest proxy's value is the last one.
                    scheme = proto.split(",")[-1].strip().lower()
                    if scheme in ("http", "https"):
                        ws = scope["type"] == "websocket"
                        scope["scheme"] = {"http": "ws", "https": "wss"}[scheme] if ws else scheme
        await self.app(scope, receive, send)
