"""Contract review page: upload or paste a contract; see its risks, values, clauses and the LLM's state."""

import pandas as pd
import streamlit as st

from codexcontinue.ui.client import BackendError
from codexcontinue.ui.llm_state import llm_status
from codexcontinue.ui.session import backend, show_error
from codexcontinue.ui.text import literal
from codexcontinue.ui.uploads import file_uploader

RESULT = "legal_contract_review"
SEVERITY_BOX = {"high": st.error, "medium": st.warning, "low": st.info}
VALUE_LABELS = {
    "governing_law": "Governing law", "parties": "Parties", "agreement_date": "Agreement date",
    "effective_date": "Effective date", "expiration_date": "Expiration date", "initial_term": "Initial term",
    "renewal_term": "Renewal term", "auto_renewal": "Renews automatically", "notice_period": "Notice to stop renewal",
    "liability_cap": "Cap on liability",
}  # fmt: skip

client = backend()
st.title("Contract review")
st.caption(
    "Finds the CUAD clause categories in a contract, reads their values with the passage each comes from, "
    "and flags the risks that follow from them. The detector was trained on CUAD v1 (The Atticus Project, CC BY 4.0)."
)


llm_ok = llm_status()
use_llm = st.checkbox(
    "Add the LLM's structured clause pass", value=False, disabled=not llm_ok, key="legal_review_llm",
    help="Needs Ollama with the 'legal-analyst' model (`codexcontinue models ensure`).",
)  # fmt: skip
upload_tab, paste_tab = st.tabs(["Upload", "Paste text"])
with upload_tab:
    upload = file_uploader("Contract (.txt, .docx or text-based .pdf)", pack="legal", type=["txt", "docx", "pdf"])
    if st.button("Review upload", disabled=upload is None, key="legal_review_upload"):
        with st.spinner("Reviewing the contract…"):
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
        with st.spinner("Reviewing the contract…"):
            try:
                st.session_state[RESULT] = client.post(
                    "/api/v1/legal/contracts/review-text",
                    json={"name": "pasted contract", "text": text, "llm": use_llm},
                )
            except BackendError as error:
                show_error(error)


def shown_value(name: str, reading: dict) -> str:
    """A value as a person reads it; parties whole, each with the names the contract gives them."""
    if name == "parties" and reading["value"]:
        return "; ".join(
            party["name"] + (f" ({', '.join(party['defined_as'])})" if party["defined_as"] else "")
            for party in reading["value"]
        )
    return reading["shown"]


review = st.session_state.get(RESULT)
if review:
    st.header(literal(review["name"]))
    report = review.get("llm_pass")
    if report and not report["ran"]:
        st.warning(literal(report["skipped_reason"]))
    found, missing = review["categories_found"], review["categories_missing"]
    st.subheader("Risks")
    for risk in review["risks"]:
        SEVERITY_BOX[risk["severity"]](f"**{risk['severity'].upper()}**: {literal(risk['message'])}")
        st.text(risk["quote"])
    if not review["risks"]:
        st.success("No risks flagged.")

    st.subheader("Values")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "value": label,
                    "reading": shown_value(name, review["values"][name]),
                    "confidence": review["values"][name]["confidence"],
                    "read from": (review["values"][name]["passage"] or {}).get("text", ""),
                    "note": review["values"][name]["note"] or "",
                }
                for name, label in VALUE_LABELS.items()
            ]
        ),
        hide_index=True,
    )

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
    if report and report["ran"]:
        st.caption(f"LLM pass ({report['model']}): {report['added']} added, {report['confirmed']} confirmed.")
        for quote in report["unmatched_quotes"]:
            st.warning("The LLM quoted text that is not in the contract: " + literal(quote))

    st.subheader("Clauses")
    for clause in review["clauses"]:
        if clause["categories"]:
            title = (
                " ".join(filter(None, [clause["number"], clause["heading"]]))
                or f"Clause {clause['index'] + 1}"
            )
            with st.expander(f"{literal(title)} — {', '.join(clause['categories'])}"):
                st.text(clause["text"].strip())
