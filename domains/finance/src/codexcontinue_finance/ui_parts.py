"""Streamlit pieces the finance pages share: a backend call that shows its error, user text shown as text, tables
whose CSV download is safe to open in a spreadsheet, the upload limit, and a written report."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from codexcontinue.ui.client import BackendClient, BackendError
from codexcontinue.ui.session import show_error
from codexcontinue.ui.text import literal

API = "/api/v1/finance"
#: What a spreadsheet takes for the start of a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def call(client: BackendClient, method: str, path: str, **kwargs: Any) -> Any:
    """Send one request to the finance API; show the backend's message and return None when it fails."""
    try:
        return client.request(method, API + path, **kwargs)
    except BackendError as error:
        show_error(error)
        return None


def plain(text: object) -> str:
    """`text` on one line, escaped so that Streamlit shows it as written (`codexcontinue.ui.text.literal`):
    no Markdown, HTML, links, images or directives."""
    return literal(" ".join(str(text).split("\n")))


def spreadsheet_safe(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula ('=HYPERLINK(...)', '@SUM(...)'), with a leading "'"
    so that it stays text; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table(rows: pd.DataFrame | list[dict[str, Any]], **kwargs: Any) -> None:
    """`st.dataframe` of `rows`, its text cells made safe for the CSV download (see `spreadsheet_safe`)."""
    frame = pd.DataFrame(rows) if not isinstance(rows, pd.DataFrame) else rows.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(spreadsheet_safe)
    st.dataframe(frame, hide_index=True, **kwargs)


def upload_limit(client: BackendClient) -> dict[str, Any]:
    """The server's upload limit ({'max_upload_bytes', 'max_upload_mb', 'text'}), read once per session."""
    if "fin_upload_limit" not in st.session_state:
        st.session_state["fin_upload_limit"] = call(client, "GET", "/limits") or {
            "max_upload_bytes": 200 * 1024 * 1024,
            "max_upload_mb": 200,
            "text": "200 MB",
        }
    return st.session_state["fin_upload_limit"]


def uploader(client: BackendClient, label: str, types: list[str], key: str) -> Any:
    """A file uploader that states and enforces the server's own upload limit."""
    limit = upload_limit(client)
    return st.file_uploader(
        label,
        type=types,
        key=key,
        max_upload_size=limit["max_upload_mb"],
        help=f"Up to {limit['text']} per file (the server's limit). For a larger export, download a shorter period.",
    )


def money(value: float | None) -> str:
    """An amount for a metric, or 'not stated' when the statement does not give it."""
    return "not stated" if value is None else f"{value:,.2f}"


def show_report(checked: dict[str, Any]) -> None:
    """A written report, with whether its numbers were checked against the computed figures."""
    report = checked["report"]
    st.subheader(plain(report["headline"]))
    st.write(plain(report["summary"]))
    for point in report["highlights"]:
        st.markdown(f"- {plain(point)}")
    if checked["verified"]:
        st.success("Every number in this report is one of the computed figures below.")
    else:
        st.warning(
            "These numbers in the report are not among the computed figures; do not rely on them: "
            + plain(", ".join(checked["unverified_numbers"]))
        )
    with st.expander("The computed figures the model was given"):
        st.table({f["label"]: f["text"] for f in checked["figures"]})
