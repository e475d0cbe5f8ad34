"""`BackendClient`: how the UI (and tests, and scripts) talk to the backend over HTTP."""

from __future__ import annotations

from typing import Any

import httpx


class BackendError(Exception):
    """The backend answered with an error, or could not be reached; `message` is for people."""

    def __init__(self, status: int | None, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class BackendClient:
    """A small synchronous client for the backend's JSON API, authenticated with one API key."""

    def __init__(self, base_url: str, api_key: str | None = None, timeout: float = 30.0) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a request; return the decoded JSON, or raise `BackendError` with the server's message."""
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as error:
            raise BackendError(
                None, f"The backend at {self.base_url} cannot be reached ({type(error).__name__}); "
                "is `codexcontinue api` running?"
            ) from None
        if response.is_error:
            raise BackendError(response.status_code, _error_message(response))
        if response.headers.get("content-type", "").startswith("application/json"):
            return response.json()
        return response.content

    def get(self, path: str, **kwargs: Any) -> Any:
        """GET `path` and return its JSON."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        """POST to `path` (pass `json=` or `files=`) and return its JSON."""
        return self.request("POST", path, **kwargs)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()


def _error_message(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = None
    return f"{response.status_code}: {detail or response.reason_phrase}"
