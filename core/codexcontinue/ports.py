"""Whether a server can listen on a TCP port: checked before `serve`, `api` or `ui` starts anything."""

from __future__ import annotations

import socket


def port_is_free(host: str, port: int) -> bool:
    """True when a server could listen on `host:port` now.

    It binds the way uvicorn and Streamlit do (with SO_REUSEADDR, so a port left in TIME_WAIT by a
    server that just stopped counts as free) and lets go at once.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return True  # an unknown host is the server's own error to report, with its own message
    for family, kind, proto, _, address in infos:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError:
                return False
    return True
