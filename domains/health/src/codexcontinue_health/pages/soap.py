"""Note to SOAP page: a note into Subjective, Objective, Assessment and Plan, with negations kept and FHIR export."""

import json

import pandas as pd
import streamlit as st
from codexcontinue.ui.client import BackendError
from codexcontinue.ui.llm_state import llm_status
from codexcontinue.ui.session import backend, show_error

SECTIONS = ["subjective", "objective", "assessment", "plan"]

client = backend()
st.title("Note to SOAP")
st.caption("PHI is redacted before anything else reads the note; the LLM only sees the redacted text.")
available = llm_status()
text = st.text_area("Note", height=220, placeholder="Paste a clinical note…")
use_llm = st.checkbox("Let the LLM place text without headings", value=available)
structure, export = st.columns(2)
wants_soap = structure.button("Structure", type="primary")
wants_fhir = export.button("Export as FHIR")
if (wants_soap or wants_fhir) and not text.strip():
    st.warning("Paste a note first.")
    st.stop()
if wants_soap:
    try:
        with st.spinner("Structuring…"):
            note = client.post("/api/v1/health/soap", json={"text": text, "use_llm": use_llm})
    except BackendError as error:
        show_error(error)
        st.stop()
    for section in SECTIONS:
        st.subheader(section.capitalize())
        if note[section]:
            st.dataframe(pd.DataFrame({"statement": note[section]}), hide_index=True, use_container_width=True)
        else:
            st.text("(nothing)")
    st.subheader("Findings")
    st.dataframe(pd.DataFrame(note["findings"], columns=["text", "section", "negated"]), hide_index=True)
    st.caption(f"{note['phi_removed']} PHI spans removed · LLM used: {'yes' if note['llm_used'] else 'no'}")
    if note.get("llm_skipped"):
        st.info(note["llm_skipped"])
if wants_fhir:
    try:
        with st.spinner("Building the FHIR bundle…"):
            bundle = client.post("/api/v1/health/soap/fhir", json={"text": text, "use_llm": use_llm})
    except BackendError as error:
        show_error(error)
        st.stop()
    st.subheader(f"FHIR Bundle: {len(bundle['entry'])} resources")
    st.download_button("Download bundle.json", json.dumps(bundle, indent=2), file_name="bundle.json", mime="application/fhir+json")
    st.json(bundle, expanded=False)
