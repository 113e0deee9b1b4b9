"""The SSRF guard: which addresses a fetch may connect to, enforced where the socket is opened.

A URL given to storyline (or a redirect it follows, or a link in a feed) must not make it talk to
the machine it runs on, the local network or a cloud metadata service. The guard therefore:

1. refuses an address that is not globally routable: loopback, private (RFC 1918, unique local),
   link-local, multicast, reserved, unspecified, carrier-grade NAT, documentation and benchmark
   ranges, plus the well-known cloud metadata addresses;
2. looks inside IPv6 forms that carry an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``,
   IPv4-compatible ``::a.b.c.d``, NAT64 ``64:ff9b::/96``, 6to4, Teredo) and judges that address;
3. resolves a host name once, refuses it when *any* of its addresses is refused (rebinding
   services answer with a mix), and connects to the vetted address itself
   (:class:`GuardedBackend`), so a second DNS answer cannot swap in a private address between the
   check and the connection.

``allow_private`` turns the guard off except for cloud metadata addresses; ``allow_networks``
lets specific networks through (an intranet news server, or the loopback test server).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from storyline.errors import BlockedAddressError

__all__ = ["AddressPolicy", "GuardedBackend", "Resolver", "blocked_reason", "system_resolver"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]
"""Resolve ``(host, port)`` to IP address strings (the seam tests replace)."""

# Cloud metadata endpoints: most sit in ranges refused anyway (link-local, unique local, CGNAT);
# Azure's wire server is a public address that must still never be fetched.
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254",   # AWS, GCP, Azure, OpenStack, DigitalOcean
    "169.254.170.2",     # AWS ECS task metadata
    "fd00:ec2::254",     # AWS IPv6 metadata
    "100.100.100.200",   # Alibaba Cloud
    "168.63.129.16",     # Azure wire server
))
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve a host with the operating system's resolver (``getaddrinfo``)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"cannot resolve host {host!r}: {exc.strerror or exc}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address an IPv6 address carries, if it is one of the tunnelling forms."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client; the server part is a public relay
    if any(address in net for net in _NAT64) or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _is_metadata(ip: IPAddress) -> bool:
    inner = _embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
    return ip in METADATA_ADDRESSES or (inner is not None and inner in METADATA_ADDRESSES)


def blocked_reason(address: str | IPAddress) -> str | None:
    """Return why an address must not be fetched from, or None when it is a public address.

    >>> blocked_reason("10.1.2.3"), blocked_reason("::ffff:127.0.0.1"), blocked_reason("93.184.216.34")
    ('a private address', 'a loopback address (IPv4 127.0.0.1 inside IPv6)', None)
    """
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return "a scoped (link-local) IPv6 address"
        inner = _embedded_ipv4(ip)
        if inner is not None:
            reason = blocked_reason(inner)
            return f"{reason} (IPv4 {inner} inside IPv6)" if reason else None
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    for attribute, reason in (
        ("is_loopback", "a loopback address"),
        ("is_unspecified", "the unspecified address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_private", "a private address"),
        ("is_reserved", "a reserved address"),
    ):
        if getattr(ip, attribute):
            return reason
    if not ip.is_global:
        return "a non-public address"
    return None


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which addresses fetches may reach, and how host names are resolved.

    Args:
        allow_private: let private addresses through, all but metadata ones (``--allow-private``).
        allow_networks: networks let through although they are not public (CIDR strings).
        resolver: host name resolution; the operating system's by default.
    """

    allow_private: bool = False
    allow_networks: tuple[str, ...] = ()
    resolver: Resolver = system_resolver

    def check(self, address: str, host: str) -> None:
        """Raise BlockedAddressError when ``address`` (which ``host`` resolved to) is refused.

        ``allow_private`` lets every address through except cloud metadata endpoints: no news is
        served there, and reaching them is what SSRF attacks are after. Only ``allow_networks``
        naming such an address opens it.
        """
        ip = ipaddress.ip_address(address)
        if any(ip in ipaddress.ip_network(net, strict=False) for net in self.allow_networks):
            return
        reason = blocked_reason(ip)
        if reason is None:
            return
        shown = address if host.strip("[]") == address else f"{host} ({address})"
        if _is_metadata(ip):
            raise BlockedAddressError(
                f"refused to fetch from {shown}: {reason}; metadata addresses are refused even with "
                "--allow-private (list the address in fetch.allow_networks to reach it)", origin=host)
        if not self.allow_private:
            raise BlockedAddressError(
                f"refused to fetch from {shown}: {reason}; pass --allow-private (or add the network to "
                "fetch.allow_networks) to fetch from private addresses", origin=host)

    def vet(self, host: str, port: int) -> list[str]:
        """Resolve ``host`` and return its addresses, all of them allowed.

        Raises:
            BlockedAddressError: any address the host resolves to is refused.
            OSError: the host does not resolve.
        """
        bare = host.strip("[]")
        try:
            addresses = [str(ipaddress.ip_address(bare))]
        except ValueError:
            addresses = self.resolver(bare, port)
        if not addresses:
            raise OSError(f"host {host!r} resolved to no address")
        for address in addresses:
            self.check(address, bare)
        return addresses


class GuardedBackend:
    """An httpcore network backend that connects only to addresses the policy allows.

    It resolves the host itself, vets every address, and hands the vetted IP (never the name) to
    the wrapped backend, so the address checked is the address connected to. TLS still verifies
    the certificate against the original host name: httpcore passes it separately as
    ``server_hostname``.
    """

    def __init__(self, policy: AddressPolicy, inner: Any = None) -> None:
        import httpcore

        self.policy = policy
        self.inner = inner or httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> Any:
        """Connect to the first reachable vetted address of ``host``."""
        import httpcore

        try:
            addresses = self.policy.vet(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        last: Exception | None = None
        for address in addresses:
            try:
                return self.inner.connect_tcp(address, port, timeout=timeout, local_address=local_address,
                                              socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> Any:
        """Unix sockets are local by definition: refused."""
        raise BlockedAddressError(f"refused to connect to the unix socket {path}", origin=path)

    def sleep(self, seconds: float) -> None:
        """Delegate to the wrapped backend."""
        self.inner.sleep(seconds)
