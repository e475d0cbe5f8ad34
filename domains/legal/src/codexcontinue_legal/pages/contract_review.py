"""Contract review page: upload or paste a contract; see its clauses, categories, values and risks."""

import pandas as pd
import streamlit as st

from codexcontinue.ui.client import BackendError
from codexcontinue.ui.session import backend, show_error
from codexcontinue.ui.uploads import file_uploader

RESULT = "legal_contract_review"
SEVERITY_BOX = {"high": st.error, "medium": st.warning, "low": st.info}

client = backend()
st.title("Contract review")
st.caption(
    "Finds the CUAD clause categories in a contract, reads their values and flags risks. "
    "The detector was trained on CUAD v1 (The Atticus Project, CC BY 4.0)."
)

use_llm = st.checkbox("Add the LLM's structured clause pass (needs Ollama)", key="legal_review_llm")
upload_tab, paste_tab = st.tabs(["Upload", "Paste text"])
with upload_tab:
    upload = file_uploader("Contract (.txt, .docx or text-based .pdf)", pack="legal", type=["txt", "docx", "pdf"])
    if st.button("Review upload", disabled=upload is None, key="legal_review_upload"):
        try:
            st.session_state[RESULT] = client.post(
                "/api/v1/legal/contracts/review",
                files={"file": (upload.name, upload.getvalue(), upload.type or "application/octet-stream")},
                data={"llm": str(use_llm).lower()},
            )
        except BackendError as error:
            show_error(error)
with paste_tab:
    text = st.text_area("Contract text", height=200, key="legal_review_text")
    if st.button("Review text", key="legal_review_paste"):
        try:
            st.session_state[RESULT] = client.post(
                "/api/v1/legal/contracts/review-text",
                json={"name": "pasted contract", "text": text, "llm": use_llm},
            )
        except BackendError as error:
            show_error(error)

review = st.session_state.get(RESULT)
if review:
    st.header(review["name"])
    found, missing = review["categories_found"], review["categories_missing"]
    st.subheader("Risks")
    for risk in review["risks"]:
        SEVERITY_BOX[risk["severity"]](f"**{risk['severity'].upper()}**: {risk['message']}")
    if not review["risks"]:
        st.success("No risks flagged.")

    st.subheader("Values")
    values = {key: value for key, value in review["values"].items() if value not in (None, [])}
    st.table(pd.DataFrame({"value": [", ".join(v) if isinstance(v, list) else str(v) for v in values.values()]},
                          index=list(values)))  # fmt: skip

    st.subheader(f"Categories found ({len(found)} of {len(found) + len(missing)})")
    clauses = {clause["index"]: clause for clause in review["clauses"]}
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "category": f["category"],
                    "section": " ".join(
                        filter(None, [clauses[f["clause"]]["number"], clauses[f["clause"]]["heading"]])
                    ),
                    "text": f["text"],
                    "confidence": f["confidence"],
                    "source": f["source"],
                    "offset": f["start"],
                }
                for f in review["findings"]
            ],
            columns=["category", "section", "text", "confidence", "source", "offset"],
        ),
        hide_index=True,
    )
    if missing:
        st.caption("Not found: " + ", ".join(missing))
    if review.get("llm_pass"):
        report = review["llm_pass"]
        st.caption(f"LLM pass ({report['model']}): {report['added']} added, {report['confirmed']} confirmed.")
        for quote in report["unmatched_quotes"]:
            st.warning(f"The LLM quoted text that is not in the contract: {quote}")

    st.subheader("Clauses")
    for clause in review["clauses"]:
        if clause["categories"]:
            title = (
                " ".join(filter(None, [clause["number"], clause["heading"]]))
                or f"Clause {clause['index'] + 1}"
            )
            with st.expander(f"{title} — {', '.join(clause['categories'])}"):
                st.text(clause["text"].strip())
