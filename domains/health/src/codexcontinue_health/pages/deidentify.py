"""De-identify page: one note (paste or upload) with the PHI highlighted, or a whole corpus as a job."""

import html
import json
import time

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
MODES = ["redact", "mask", "pseudonym", "dateshift"]
POLL_S = 0.5
WAIT_S = 1800


def as_text(text: str) -> str:
    """`text` as HTML that shows it literally: tags escaped, and every character Markdown reads as markup
    written as an entity, so nothing the user typed becomes a link, an image or a heading."""
    escaped = html.escape(text, quote=True)
    return "".join(f"&#{ord(c)};" if c in "\\`*_{}[]()#+-.!|~<>" else c for c in escaped).replace("\n", "<br>")


def highlighted(text: str, spans: list[dict]) -> str:
    """The note as HTML with each PHI span marked in its category's colour (shown in this browser only)."""
    parts, position = [], 0
    for span in spans:
        parts.append(as_text(text[position : span["start"]]))
        colour = COLOURS.get(span["category"], OTHER)
        parts.append(f'<mark style="background:{colour}" title="{span["category"]}">{as_text(text[span["start"] : span["end"]])}</mark>')
        position = span["end"]
    parts.append(as_text(text[position:]))
    return "<div>" + "".join(parts) + "</div>"


def one_note(client) -> None:
    """Paste or upload one note; see it de-identified and its PHI highlighted."""
    mode = st.selectbox(
        "Mode", MODES,
        help="redact: [NAME]; mask: *****; pseudonym: the same stand-in for the same value; dateshift: pseudonyms and dates moved by one offset.",
    )
    text = st.text_area("Note", height=220, placeholder="Paste a clinical note…")
    upload = file_uploader("…or upload a text file", pack="health", type=["txt", "md"])
    if not st.button("De-identify", type="primary"):
        return
    try:
        with st.spinner("De-identifying…"):
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
                return
    except BackendError as error:
        show_error(error)
        return
    for _ in result["flags"]:
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


def corpus(client) -> None:
    """Upload a JSONL corpus; follow the job's progress; download the de-identified JSONL."""
    st.caption('One note a line: {"id": "n1", "text": "..."}. The job runs on the server; this page shows its progress.')
    mode = st.selectbox("Mode", MODES, key="corpus-mode")
    upload = file_uploader("Corpus (.jsonl)", pack="health", limit_field="max_corpus_bytes", type=["jsonl"], key="corpus-file")
    pasted = st.text_area("…or paste JSONL", height=120, key="corpus-text", placeholder='{"id": "n1", "text": "..."}')
    if not st.button("De-identify the corpus", type="primary"):
        return
    if upload is not None:
        name, content = upload.name, upload.getvalue()
    elif pasted.strip():
        name, content = "pasted.jsonl", pasted.encode()
    else:
        st.warning("Upload a .jsonl file or paste its lines first.")
        return
    try:
        job = client.post(
            "/api/v1/health/deidentify/corpus",
            files={"file": (name, content, "application/x-ndjson")},
            data={"mode": mode},
        )
        bar = st.progress(0.0, text=f"Queued: {job['notes']} notes")
        started = time.monotonic()
        view = client.get(job["status_url"])
        while view["state"] not in ("complete", "failed") and time.monotonic() - started < WAIT_S:
            bar.progress(min(max(view["progress"], 0.0), 1.0), text=view["message"] or view["state"].capitalize())
            time.sleep(POLL_S)
            view = client.get(job["status_url"])
        if view["state"] != "complete":
            st.error(view.get("error") or "The job is still running; reload this page later to see it finish.")
            return
        bar.progress(1.0, text=f"Done: {view['result']['notes']} notes, {view['result']['spans']} PHI spans")
        result = client.get(job["result_url"])
    except BackendError as error:
        show_error(error)
        return
    lines = result.decode() if isinstance(result, bytes) else "\n".join(json.dumps(r) for r in result)
    st.download_button("Download the de-identified corpus (JSONL)", lines, file_name="deidentified.jsonl", mime="application/x-ndjson")


client = backend()
st.title("De-identify clinical notes")
st.caption("PHI is found on the server by rules and word lists; nothing is sent to an LLM and no note is kept.")
single, many = st.tabs(["One note", "A corpus (JSONL)"])
with single:
    one_note(client)
with many:
    corpus(client)
