"""Scaffold page: pick a template, answer its questions, download the project as a zip."""

import io
import zipfile

import streamlit as st

from codexcontinue.ui.client import BackendError
from codexcontinue.ui.session import backend, show_error
from codexcontinue.ui.text import literal

PROJECT = "developer_scaffold_project"
API = "/api/v1/developer"

client = backend()
st.title("Scaffold")
st.caption(
    "Create a project from a template; every answer is checked before anything is made. Leave an answer empty "
    "to take its default."
)

try:
    templates = {template["title"]: template for template in client.get(f"{API}/templates")}
except BackendError as error:
    show_error(error)
    st.stop()
template = templates[st.selectbox("Template", list(templates), key="developer_scaffold_template")]
st.write(template["description"])

with st.form(f"developer_scaffold_{template['name']}"):
    answers: dict[str, str] = {}
    for question in template["questions"]:
        key = f"developer_scaffold_{template['name']}_{question['name']}"
        default = question["default"]
        if question["choices"]:
            index = question["choices"].index(default) if default in question["choices"] else 0
            answers[question["name"]] = st.selectbox(
                question["name"], question["choices"], index=index, help=question["help"], key=key
            )
        else:
            derived = default is not None and "{{" in default
            placeholder = "required" if default is None else ("derived from other answers" if derived else default)
            answers[question["name"]] = st.text_input(
                question["name"], placeholder=placeholder, help=question["help"], key=key
            )
    submitted = st.form_submit_button("Create project")

if submitted:
    given = {name: value for name, value in answers.items() if value.strip()}
    try:
        content = client.post(f"{API}/templates/{template['name']}/project", json={"answers": given})
    except BackendError as error:
        show_error(error)
    else:
        st.session_state[PROJECT] = content

project = st.session_state.get(PROJECT)
if project:
    names = zipfile.ZipFile(io.BytesIO(project)).namelist()
    folder = names[0].split("/")[0]
    st.success(literal(f"Created {folder} ({len(names)} files)."))
    st.download_button(
        "Download " + f"{folder}.zip",
        data=project,
        file_name=f"{folder}.zip",
        mime="application/zip",
        key="developer_scaffold_download",
    )
    st.code("\n".join(names), language="text")
    st.caption("Next: unzip it, then")
    st.code(f"cd {folder} && pip install -e '.[test]' && pytest", language="bash")
