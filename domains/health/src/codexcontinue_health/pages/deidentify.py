"""De-identify page: paste or upload a note, pick a mode, see the PHI highlighted by category."""

import html

import pandas as pd
import streamlit as st
from codexcontinue.ui.client import BackendError
from codexcontinue.ui.session import backend, show_error
from codexcontinue.ui.uploads import file_uploader

COLOURS = {
    "NAME": "#f4a6a6", "LOCATION": "#a6d8f4", "ZIP": "#a6d8f4", "DATE": "#f4e1a6", "AGE": "#f4e1a6",
    "PHONE": "#c9f4a6", "FAX": "#c9f4a6", "EMAIL": "#d9b3f4", "URL": "#d9b3f4", "IP_ADDRESS": "#d9b3f4",
    "PHOTO": "#ff8c69",
}
OTHER = "#e0e0e0"


def highlighted(text: str, spans: list[dict]) -> str:
    """The note as HTML with each PHI span marked in its category's colour (shown in this browser only)."""
    parts, position = [], 0
    for span in spans:
        parts.append(html.escape(text[position : span["start"]]))
        colour = COLOURS.get(span["category"], OTHER)
        piece = html.escape(text[span["start"] : span["end"]])
        parts.append(f'<mark style="background:{colour}" title="{span["category"]}">{piece}</mark>')
        position = span["end"]
    parts.append(html.escape(text[position:]))
    return '<div style="white-space:pre-wrap">' + "".join(parts) + "</div>"


client = backend()
st.title("De-identify a clinical note")
st.caption("PHI is found by rules and name lists on the server; nothing is sent to an LLM and nothing is stored.")
mode = st.selectbox(
    "Mode", ["redact", "mask", "pseudonym", "dateshift"],
    help="redact: [NAME]; mask: *****; pseudonym: the same stand-in for the same value; dateshift: pseudonyms and dates moved by one offset.",
)
text = st.text_area("Note", height=220, placeholder="Paste a clinical note…")
upload = file_uploader("…or upload a text file", pack="health", type=["txt", "md"])
if st.button("De-identify", type="primary"):
    try:
        if upload is not None:
            text = upload.getvalue().decode("utf-8", errors="replace")
            result = client.post(
                "/api/v1/health/deidentify/upload",
                files={"file": (upload.name, upload.getvalue(), upload.type or "text/plain")},
                data={"mode": mode},
            )
        elif text.strip():
            result = client.post("/api/v1/health/deidentify", json={"text": text, "mode": mode})
        else:
            st.warning("Paste a note or upload a file first.")
            st.stop()
    except BackendError as error:
        show_error(error)
        st.stop()
    for flag in result["flags"]:
        st.warning("The note references an image: a photograph may show a face (HIPAA identifier Q). It was masked; remove the image itself too.")
    st.subheader("De-identified")
    st.code(result["text"], language=None, wrap_lines=True)
    st.subheader(f"PHI found: {len(result['spans'])} spans")
    st.markdown(highlighted(text, result["spans"]), unsafe_allow_html=True)
    table = pd.DataFrame(
        [{k: s[k] for k in ("category", "start", "end", "confidence", "replacement")} for s in result["spans"]],
        columns=["category", "start", "end", "confidence", "replacement"],
    )
    st.dataframe(table, hide_index=True)
    st.caption(f"Document id {result['document_id']} (in the audit trail instead of the text).")
