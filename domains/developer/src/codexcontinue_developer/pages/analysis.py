"""Code analysis page: upload or paste code; complexity, maintainability, security, lint, and a function review."""

import pandas as pd
import streamlit as st

from codexcontinue.ui.client import BackendError
from codexcontinue.ui.session import backend, show_error
from codexcontinue.ui.text import literal
from codexcontinue.ui.uploads import file_uploader

RESULT = "developer_analysis_result"
SOURCE = "developer_analysis_source"
REVIEW = "developer_analysis_review"
API = "/api/v1/developer"
LLM_TIMEOUT_S = 600  # a review on a CPU-only Ollama can take minutes

client = backend()
st.title("Code analysis")
st.caption(
    "Cyclomatic complexity and maintainability index (radon), security findings (bandit) and lint findings "
    "(ruff) of Python code. The code is read, never imported or run."
)


def analyse(source: dict) -> None:
    """Send `source` (an upload or pasted code) for analysis; keep the report and the source for a review."""
    try:
        if source["kind"] == "upload":
            files = {"file": (source["name"], source["content"], "application/octet-stream")}
            report = client.post(f"{API}/analysis", files=files)
        else:
            report = client.post(f"{API}/analysis/code", json={"filename": source["name"], "code": source["code"]})
    except BackendError as error:
        show_error(error)
        return
    st.session_state[RESULT], st.session_state[SOURCE] = report, source
    st.session_state.pop(REVIEW, None)


upload_tab, paste_tab = st.tabs(["Upload", "Paste code"])
with upload_tab:
    upload = file_uploader(
        "Archive (.zip, .tar.gz) or a .py file",
        type=["zip", "gz", "tgz", "tar", "py"],
        pack="developer",
        key="developer_analysis_file",
    )
    if st.button("Analyse upload", disabled=upload is None, key="developer_analysis_upload"):
        analyse({"kind": "upload", "name": upload.name, "content": upload.getvalue()})
with paste_tab:
    filename = st.text_input("File name", value="snippet.py", key="developer_analysis_filename")
    code = st.text_area("Python code", height=240, key="developer_analysis_code")
    if st.button("Analyse code", key="developer_analysis_paste"):
        analyse({"kind": "code", "name": filename, "code": code})

report = st.session_state.get(RESULT)
if report:
    summary = report["summary"]
    st.header(literal(report["source"]))
    files, functions, lines, complexity, maintainability = st.columns(5)
    files.metric("Files", summary["files"])
    functions.metric("Functions", summary["functions"])
    lines.metric("Source lines", summary["sloc"])
    complexity.metric(
        "Average complexity",
        "-" if summary["average_complexity"] is None else f"{summary['average_complexity']:.1f}",
    )
    maintainability.metric("Average MI", "-" if summary["average_mi"] is None else f"{summary['average_mi']:.1f}")
    for note in report["notes"]:
        st.warning(literal(note))
    severities = summary["security_by_severity"]
    st.caption(
        f"Security findings: {severities['HIGH']} high, {severities['MEDIUM']} medium, {severities['LOW']} low. "
        f"Lint findings: {len(report['lint'])}."
    )

    st.subheader("Worst offenders")
    worst_functions, worst_files = st.columns(2)
    with worst_functions:
        st.caption("Most complex functions")
        st.dataframe(
            pd.DataFrame(summary["most_complex"], columns=["name", "complexity", "rank", "path", "lineno"]),
            hide_index=True,
        )
    with worst_files:
        st.caption("Least maintainable files")
        st.dataframe(
            pd.DataFrame(summary["least_maintainable"], columns=["path", "mi", "mi_rank", "sloc"]), hide_index=True
        )

    st.subheader("Complexity")
    ranks, top = st.columns(2)
    with ranks:
        st.caption("Functions and methods per rank (A simple … F very complex)")
        st.bar_chart(pd.DataFrame({"functions": summary["complexity_ranks"]}))
    with top:
        st.caption("The most complex functions")
        top_blocks = pd.DataFrame(summary["most_complex"], columns=["name", "complexity"]).set_index("name")
        st.bar_chart(top_blocks, horizontal=True)

    st.subheader("Functions, methods and classes")
    st.dataframe(
        pd.DataFrame(
            report["blocks"], columns=["path", "name", "kind", "lineno", "endline", "complexity", "rank"]
        ),
        hide_index=True,
    )
    st.subheader("Files")
    st.dataframe(
        pd.DataFrame(report["files"], columns=[
            "path", "mi", "mi_rank", "loc", "sloc", "comments", "blank", "blocks", "average_complexity",
            "max_complexity", "error",
        ]),
        hide_index=True,
    )  # fmt: skip
    st.subheader("Security findings (bandit)")
    if report["security"]:
        st.dataframe(
            pd.DataFrame(report["security"], columns=[
                "severity", "confidence", "test_id", "test_name", "path", "line", "message", "cwe", "more_info",
            ]),
            hide_index=True,
            column_config={"more_info": st.column_config.LinkColumn("more info")},
        )  # fmt: skip
    else:
        st.success("No security findings.")
    st.subheader("Lint findings (ruff)")
    if report["lint"]:
        st.dataframe(
            pd.DataFrame(report["lint"], columns=["code", "message", "path", "line", "column", "fixable"]),
            hide_index=True,
        )
    else:
        st.success("No lint findings.")
    if report["ignored_files"]:
        st.caption(f"Not analysed (not Python sources): {literal(', '.join(report['ignored_files']))}")
    if report["links"]:
        st.caption(f"Links in the archive, not followed: {literal(', '.join(report['links']))}")

    st.subheader("Explain and review a function")
    callables = [block for block in report["blocks"] if block["kind"] != "class"]
    if not callables:
        st.info("The code defines no functions to review.")
    else:
        labels = [f"{block['path']} :: {block['name']} (complexity {block['complexity']})" for block in callables]
        chosen = callables[labels.index(st.selectbox("Function", labels, key="developer_review_function"))]
        if st.button("Explain and review (needs Ollama)", key="developer_review"):
            source = st.session_state[SOURCE]
            try:
                if source["kind"] == "upload":
                    st.session_state[REVIEW] = client.post(
                        f"{API}/review",
                        files={"file": (source["name"], source["content"], "application/octet-stream")},
                        data={"path": chosen["path"], "function": chosen["name"]},
                        timeout=LLM_TIMEOUT_S,
                    )
                else:
                    st.session_state[REVIEW] = client.post(f"{API}/review/code", timeout=LLM_TIMEOUT_S, json={
                        "filename": source["name"], "code": source["code"], "function": chosen["name"],
                    })  # fmt: skip
            except BackendError as error:
                show_error(error)
    review = st.session_state.get(REVIEW)
    if review:
        st.markdown(f"**{literal(review['function'])}** ({literal(review['path'])}, lines {review['lineno']}-"
                    f"{review['endline']}, complexity {review['complexity']}, rank {review['rank']})")  # fmt: skip
        st.markdown(literal(review["explanation"]))  # the model's words, about the user's code: text
        st.dataframe(pd.DataFrame(review["comments"], columns=["line", "severity", "comment"]), hide_index=True)
        st.caption(f"Model: {review['model']}" + (" (cached reply)" if review["cached"] else ""))
