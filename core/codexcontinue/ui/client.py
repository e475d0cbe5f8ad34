"""`BackendClient`: how the UI (and tests, and scripts) talk to the backend over HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from ..invocation import command

# What a person reads when an error answer carries no message of its own: what happened and what to do.
STATUS_SENTENCES = {
    400: "The server could not use this request; check what you entered and try again.",
    401: "This API key is not valid (wrong, expired or revoked): sign in with a valid key.",
    403: "Your API key is not allowed to do this; ask an administrator for a key with the right scope.",
    404: "That was not found; it may have been deleted. Reload the page and try again.",
    408: "The server waited too long for this request; try again.",
    409: "Someone changed this at the same time; reload the page and try again.",
    413: "This is larger than the server accepts; send a smaller file, or split it into parts.",
    415: "The server does not read this kind of file; choose a file of a listed type.",
    422: "Some of what you entered cannot be used; check the fields and try again.",
    429: "Too many requests for now; wait a minute and try again.",
    502: "The server got an answer it could not use from a service it relies on; try again.",
    503: "A service this needs is not available right now; try again in a moment.",
    504: "The server took too long to answer; try again with less input, or try later.",
}
OTHER_ERROR = "The server could not do this; try again, and if it keeps failing, the server's log says why."


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
        """Send a request; return the decoded JSON, or raise `BackendError` with a sentence for people."""
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise BackendError(
                None, "The server took too long to answer; try again with less input, or try later."
            ) from None
        except httpx.TransportError:
            raise BackendError(
                None, f"The API at {self.base_url} does not answer. Start it with `{command('serve')}` "
                f"(or the API alone with `{command('api')}`), then try again."
            ) from None
        if response.is_error:
            raise BackendError(response.status_code, error_message(response))
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


def error_message(response: httpx.Response) -> str:
    """The sentence to show for an error answer: the server's own `detail`, or one that fits its status.

    Never a bare status code: the server's messages already say what to fix, and an answer without
    one (a proxy's HTML page, an empty body) gets the sentence for its kind of failure.
    """
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, str) and detail.strip():
        return detail.strip()
    return STATUS_SENTENCES.get(response.status_code, OTHER_ERROR)
