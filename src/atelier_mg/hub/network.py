"""Un réseau à part pour chaque JupyterLab : la seule route mène au hub.

Without this, every intern's code shares the machine's loopback: it can reach any service listening on 127.0.0.1
(a PostgreSQL that trusts local connections, another intern's server or kernel ports). With it, each server runs in
its own network namespace (``ip netns``), linked by a veth pair to a bridge of the hub (``atl<port>``) whose ports
are *isolated* (an intern's namespace talks to the hub's side of the bridge, never to another intern's):

* the server listens on its namespace's address, where the proxy reaches it through the bridge;
* the hub's API listens on the bridge's address (``hub_ip``), the only host address on that network;
* no default route: nothing else (the host's loopback, the local network, the Internet) is reachable.

Addresses: the hub ``10.X.0.1/16`` (``X`` from the settings), the server of the account of uid ``u``
``10.X.(u // 256).(u % 256)``. Everything here runs as root, in the hub (``ip`` from iproute2).
"""

from __future__ import annotations

import ipaddress
import subprocess

from ..core.errors import UserError


def bridge_name(port: int) -> str:
    return f"atl{port}"  # at most 15 characters (IFNAMSIZ)


def namespace(uid: int, port: int) -> str:
    return f"atl{port}-{uid}"


def host_address(subnet: str) -> str:
    return str(ipaddress.ip_network(subnet)[1])


def server_address(subnet: str, uid: int) -> str:
    net = ipaddress.ip_network(subnet)
    if not 1 < uid < net.num_addresses - 1:
        raise UserError(f"uid {uid} hors du sous-réseau {subnet} des JupyterLab.")
    return str(net[uid])


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["ip", *args], capture_output=True, text=True)
    if check and done.returncode != 0:
        raise UserError(f"« ip {' '.join(args)} » a échoué : {done.stderr.strip()}")
    return done


def ensure_bridge(port: int, subnet: str) -> str:
    """The hub's bridge, with its address (idempotent); returns the address the hub listens on."""
    name = bridge_name(port)
    prefix = ipaddress.ip_network(subnet).prefixlen
    address = host_address(subnet)
    for line in _ip("-o", "-4", "addr", "show").stdout.splitlines():  # a stopped hub's bridge on the same network
        device = line.split()[1]
        if f" {address}/" in line and device != name and device.startswith("atl"):
            _ip("link", "del", device, check=False)
    if _ip("link", "show", name, check=False).returncode != 0:
        _ip("link", "add", name, "type", "bridge")
    if f" {address}/" not in _ip("-o", "addr", "show", "dev", name).stdout:
        _ip("addr", "add", f"{address}/{prefix}", "dev", name)
    _ip("link", "set", name, "up")
    return address


def ensure_namespace(port: int, subnet: str, uid: int) -> tuple[str, str]:
    """The namespace of the account ``uid``, linked to the bridge; returns (its name, the server's address)."""
    ns = namespace(uid, port)
    address = server_address(subnet, uid)
    prefix = ipaddress.ip_network(subnet).prefixlen
    if ns in _ip("netns", "list").stdout.split():
        _ip("netns", "del", ns)  # a fresh one at each start: no state left from a previous server
    host_side = f"av{port}-{uid}"[:15]
    _ip("link", "del", host_side, check=False)
    _ip("netns", "add", ns)
    try:
        _ip("link", "add", host_side, "type", "veth", "peer", "name", "eth0", "netns", ns)
        _ip("link", "set", host_side, "master", bridge_name(port))
        _ip("link", "set", "dev", host_side, "type", "bridge_slave", "isolated", "on")
        _ip("link", "set", host_side, "up")
        _ip("-n", ns, "link", "set", "lo", "up")
        _ip("-n", ns, "addr", "add", f"{address}/{prefix}", "dev", "eth0")
        _ip("-n", ns, "link", "set", "eth0", "up")
    except BaseException:  # half made: nothing left behind (the veth pair goes with the namespace)
        _ip("netns", "del", ns, check=False)
        _ip("link", "del", host_side, check=False)
        raise
    return ns, address


def remove_bridge(port: int) -> None:
    _ip("link", "del", bridge_name(port), check=False)


def remove_namespace(port: int, uid: int) -> None:
    _ip("netns", "del", namespace(uid, port), check=False)


def available() -> bool:
    """Whether this machine lets root create network namespaces and bridges (not in every container)."""
    probe = "atlprobe"
    if _ip("link", "add", probe, "type", "bridge", check=False).returncode != 0:
        return False
    _ip("link", "del", probe, check=False)
    return True
