"""Home page: what the platform is running, from the backend's pack status table, and the LLM's state."""

import streamlit as st

from codexcontinue.invocation import with_runnable_commands
from codexcontinue.ui.client import BackendError
from codexcontinue.ui.llm_state import llm_status
from codexcontinue.ui.session import backend, show_error

st.title("CodexContinue")
st.caption("Domain packs for private, local AI.")
client = backend()
st.subheader("LLM")
llm_status()
try:
    rows = client.get("/api/v1/packs")
except BackendError as error:
    show_error(error)
    st.stop()
st.subheader("Packs")
st.dataframe(
    [
        {
            "pack": row["name"],
            "title": row["title"],
            "version": row["version"],
            "state": row["state"],
            "routes": len(row["routes"]),
            "pages": len(row["pages"]),
            "models": len(row["models"]),
            "error": with_runnable_commands(row["error"] or ""),
        }
        for row in rows
    ],
    hide_index=True,
)
