"""Sign-in that survives a reload: an opaque id in an HttpOnly cookie, mapped to the API key in the UI's memory.

Streamlit forgets everything on a reload (a new websocket is a new session) and has no way for a
script to set a cookie. So after a sign-in the page shows a hidden image whose address carries a
one-time ticket (never the key); the UI server's route `/_codexcontinue/session/start` trades it for
the cookie `codexcontinue_session` (HttpOnly, SameSite=Strict). On the next session the shell reads
the cookie (`st.context.cookies`) and finds the key again here. Signing out forgets the id here and
a second route clears the cookie.

The map lives in this process's memory only: the key is never written to disk, and a restarted UI
asks everyone to sign in again. Several UI replicas need sticky sessions (or a sign-in per replica).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

COOKIE = "codexcontinue_session"
ROUTE_PREFIX = "/_codexcontinue/session"
LIFETIME_S = 12 * 3600.0
TICKET_LIFETIME_S = 120.0
# A 1x1 transparent GIF: the answer to the hidden image that carries the ticket.
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


@dataclass
class SignedIn:
    """Who a browser session is signed in as."""

    token: str
    key_name: str
    expires_at: float


class BrowserSessions:
    """Session ids (stored hashed) -> the key they stand for, and the one-time tickets that set the cookie."""

    def __init__(self, lifetime_s: float = LIFETIME_S) -> None:
        self.lifetime_s = lifetime_s
        self._lock = threading.Lock()
        self._sessions: dict[str, SignedIn] = {}
        self._tickets: dict[str, tuple[str, float]] = {}

    def open(self, token: str, key_name: str) -> tuple[str, str]:
        """Start a session for `token`; return (session id, the one-time ticket that sets its cookie)."""
        session_id, ticket = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = time.time()
        with self._lock:
            self._forget_expired(now)
            self._sessions[_digest(session_id)] = SignedIn(token, key_name, now + self.lifetime_s)
            self._tickets[_digest(ticket)] = (session_id, now + TICKET_LIFETIME_S)
        return session_id, ticket

    def redeem(self, ticket: str) -> str | None:
        """The session id a ticket stands for, once; None when it is unknown, used or too old."""
        with self._lock:
            found = self._tickets.pop(_digest(ticket), None)
        if found is None or found[1] < time.time():
            return None
        return found[0]

    def pending(self, ticket: str) -> bool:
        """Whether the browser has still to trade this ticket for its cookie."""
        with self._lock:
            return _digest(ticket) in self._tickets

    def resume(self, session_id: str) -> SignedIn | None:
        """Who `session_id` is signed in as; None when it is unknown, signed out or expired."""
        with self._lock:
            found = self._sessions.get(_digest(session_id))
            if found is not None and found.expires_at < time.time():
                del self._sessions[_digest(session_id)]
                found = None
            return found

    def close(self, session_id: str) -> None:
        """Sign the session out: its cookie no longer signs anyone in."""
        with self._lock:
            self._sessions.pop(_digest(session_id), None)

    def _forget_expired(self, now: float) -> None:
        for digest in [d for d, s in self._sessions.items() if s.expires_at < now]:
            del self._sessions[digest]
        for digest in [d for d, (_, until) in self._tickets.items() if until < now]:
            del self._tickets[digest]


SESSIONS = BrowserSessions()
"""The UI process's sessions, shared by the shell's script runs and the cookie routes."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def _start(request: Request) -> Response:
    """Trade a ticket for the session cookie (the hidden image's address after a sign-in)."""
    session_id = SESSIONS.redeem(request.query_params.get("ticket", ""))
    response = Response(PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store"})
    if session_id is not None:
        response.set_cookie(COOKIE, session_id, max_age=int(SESSIONS.lifetime_s), path="/",
                            httponly=True, samesite="strict")  # fmt: skip
    return response


async def _end(request: Request) -> Response:
    """Forget the session the cookie names and clear the cookie (the hidden image after a sign-out)."""
    session_id = request.cookies.get(COOKIE)
    if session_id:
        SESSIONS.close(session_id)
    response = Response(PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store"})
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


def cookie_routes(base_path: str = "") -> list[Route]:
    """The UI server's two routes that set and clear the session cookie."""
    prefix = base_path.rstrip("/") + ROUTE_PREFIX
    return [Route(f"{prefix}/start", _start, methods=["GET"]), Route(f"{prefix}/end", _end, methods=["GET"])]
