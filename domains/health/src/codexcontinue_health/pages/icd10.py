"""ICD-10 search page: find codes by description (typos tolerated) and look one up in the hierarchy."""

import pandas as pd
import streamlit as st
from codexcontinue.ui.client import BackendError
from codexcontinue.ui.session import backend, show_error

client = backend()
st.title("ICD-10-CM search")
query = st.text_input("Diagnosis or code", placeholder="type 2 diabetes, chest pain, E11…")
if query.strip():
    try:
        matches = client.get("/api/v1/health/icd10/search", params={"q": query.strip(), "limit": 15})
    except BackendError as error:
        show_error(error)
        st.stop()
    st.dataframe(pd.DataFrame(matches, columns=["code", "description", "billable", "score"]), hide_index=True)
code = st.text_input("Look up a code", placeholder="E11.9")
if code.strip():
    try:
        item = client.get(f"/api/v1/health/icd10/codes/{code.strip()}")
    except BackendError as error:
        show_error(error)
        st.stop()
    st.subheader(f"{item['code']}: {item['description']}")
    st.write(f"{item['kind'].capitalize()}, {'billable' if item['billable'] else 'not billable'}.")
    st.text(" › ".join(f"{a['code']} {a['description']}" for a in reversed(item["ancestors"])) or "(top level)")
    if item["children"]:
        st.dataframe(pd.DataFrame(item["children"], columns=["code", "description"]), hide_index=True)
