"""Docs page: an API reference and docstring coverage of a package, and drafted docstrings as a diff."""

import pandas as pd
import streamlit as st

from codexcontinue.ui.client import BackendError
from codexcontinue.ui.session import backend, show_error
from codexcontinue.ui.text import literal
from codexcontinue.ui.uploads import file_uploader

RESULT = "developer_docs_result"
API = "/api/v1/developer"
LLM_TIMEOUT_S = 600  # drafting several docstrings on a CPU-only Ollama can take minutes

client = backend()
st.title("Docs")
st.caption(
    "Reads a package statically with griffe (nothing is imported): an API reference in Markdown and the "
    "docstring coverage per module. With Ollama, the 'developer-reviewer' model drafts docstrings for "
    "undocumented functions as a diff for you to review and apply; nothing is changed for you."
)

draft = st.checkbox("Draft docstrings for undocumented functions (needs Ollama)", key="developer_docs_draft")
upload_tab, paste_tab = st.tabs(["Upload", "Paste code"])
with upload_tab:
    upload = file_uploader(
        "Package archive (.zip, .tar.gz) or a .py file",
        type=["zip", "gz", "tgz", "tar", "py"],
        pack="developer",
        key="developer_docs_file",
    )
    if st.button("Document upload", disabled=upload is None, key="developer_docs_upload"):
        try:
            st.session_state[RESULT] = client.post(
                f"{API}/docs",
                files={"file": (upload.name, upload.getvalue(), "application/octet-stream")},
                data={"draft_docstrings": str(draft).lower()},
                timeout=LLM_TIMEOUT_S,
            )
        except BackendError as error:
            show_error(error)
with paste_tab:
    filename = st.text_input("Module file name", value="snippet.py", key="developer_docs_filename")
    code = st.text_area("Python code", height=240, key="developer_docs_code")
    if st.button("Document code", key="developer_docs_paste"):
        try:
            st.session_state[RESULT] = client.post(
                f"{API}/docs/code",
                json={"filename": filename, "code": code, "draft_docstrings": draft},
                timeout=LLM_TIMEOUT_S,
            )
        except BackendError as error:
            show_error(error)

report = st.session_state.get(RESULT)
if report:
    coverage = report["coverage"]
    st.header(literal(report["source"]))
    st.metric(
        "Docstring coverage",
        f"{coverage['percent']}%",
        help=f"{coverage['documented']} of {coverage['total']} public objects",
    )
    reference_tab, coverage_tab, drafts_tab = st.tabs(["API reference", "Coverage", "Drafted docstrings"])
    with reference_tab:
        st.download_button(
            "Download the Markdown",
            data=report["markdown"],
            file_name="api-reference.md",
            mime="text/markdown",
            key="developer_docs_download_markdown",
        )
        st.code(report["markdown"], language="markdown")  # docstrings are the user's text: shown, not rendered
    with coverage_tab:
        modules = pd.DataFrame(coverage["modules"], columns=["module", "documented", "total", "percent", "file"])
        st.dataframe(modules, hide_index=True)
        if not modules.empty:
            st.bar_chart(modules.set_index("module")["percent"], horizontal=True)
        if coverage["undocumented"]:
            st.caption("Without a docstring")
            st.dataframe(
                pd.DataFrame(coverage["undocumented"], columns=["path", "kind", "file", "lineno"]), hide_index=True
            )
        for skipped in report["skipped"]:
            st.caption(literal(f"Left out: {skipped['path']}: {skipped['reason']}"))
    with drafts_tab:
        drafts = report["drafts"]
        if drafts is None:
            st.info("Tick 'Draft docstrings' and document again to have the model draft them (needs Ollama).")
        elif not drafts["diff"]:
            st.info("Nothing to draft: every public function has a docstring.")
        else:
            st.caption(
                f"{len(drafts['drafted'])} drafted by {drafts['model']}. Review the diff, then apply it yourself "
                "with `git apply`."
            )
            st.code(drafts["diff"], language="diff")
            st.download_button(
                "Download the diff",
                data=drafts["diff"],
                file_name="docstrings.diff",
                mime="text/x-diff",
                key="developer_docs_download_diff",
            )
        if drafts:
            for item in drafts["not_drafted"]:
                st.caption(literal(f"Not drafted: {item['path']}: {item['reason']}"))
