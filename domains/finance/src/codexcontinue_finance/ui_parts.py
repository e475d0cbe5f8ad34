"""Streamlit pieces the finance pages share: a backend call that shows its error, and a written report."""

from __future__ import annotations

from typing import Any

import streamlit as st

from codexcontinue.ui.client import BackendClient, BackendError
from codexcontinue.ui.session import show_error

API = "/api/v1/finance"


def call(client: BackendClient, method: str, path: str, **kwargs: Any) -> Any:
    """Send one request to the finance API; show the backend's message and return None when it fails."""
    try:
        return client.request(method, API + path, **kwargs)
    except BackendError as error:
        show_error(error)
        return None


def show_report(checked: dict[str, Any]) -> None:
    """A written report, with whether its numbers were checked against the computed figures."""
    report = checked["report"]
    st.subheader(report["headline"])
    st.write(report["summary"])
    for point in report["highlights"]:
        st.markdown(f"- {point}")
    if checked["verified"]:
        st.success("Every number in this report is one of the computed figures below.")
    else:
        st.warning(
            "These numbers in the report are not among the computed figures; do not rely on them: "
            + ", ".join(checked["unverified_numbers"])
        )
    with st.expander("The computed figures the model was given"):
        st.table({f["label"]: f["text"] for f in checked["figures"]})
