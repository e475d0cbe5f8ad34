"""Citations page: paste legal text; see its citations in a table and the text with them marked."""

import pandas as pd
import streamlit as st

from codexcontinue.ui.client import BackendError
from codexcontinue.ui.session import backend, show_error

RESULT = "legal_citations"
COLUMNS = ["index", "kind", "text", "reporter", "volume", "page", "title", "section", "pin_cite",
           "court", "year", "plaintiff", "defendant", "refers_to"]  # fmt: skip

client = backend()
st.title("Citations")
st.caption("Case, statute and regulation citations found with eyecite (Free Law Project).")

text = st.text_area("Legal text", height=200, key="legal_citations_text")
if st.button("Find citations", key="legal_citations_find"):
    with st.spinner("Finding citations…"):
        try:
            st.session_state[RESULT] = client.post(
                "/api/v1/legal/citations", json={"text": text, "annotate": True}
            )
        except BackendError as error:
            show_error(error)

result = st.session_state.get(RESULT)
if result:
    counts = ", ".join(f"{count} {kind}" for kind, count in sorted(result["counts"].items()))
    st.subheader(f"{result['total']} citations" + (f" ({counts})" if counts else ""))
    if result.get("note"):
        st.info(result["note"])
    st.dataframe(pd.DataFrame(result["citations"], columns=COLUMNS), hide_index=True)
    st.subheader("Annotated text")
    # st.html reads no Markdown: the text the person pasted is shown as text (escaped by the backend),
    # with only the backend's <mark> tags as HTML.
    st.html(
        "<style>mark.citation{background:#fde68a;padding:0 2px}mark.id,mark.short_case,mark.supra"
        "{background:#bfdbfe}mark.statute,mark.regulation{background:#bbf7d0}</style>"
        f'<div style="white-space: pre-wrap">{result["annotated_html"]}</div>'
    )
