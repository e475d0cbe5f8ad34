"""Health overview page: the pack's identity, fetched from the backend."""

import streamlit as st
from codexcontinue.ui.session import backend

about = backend().get("/api/v1/health/about")
st.title(f"{about['title']} {about['version']}")
st.write(about["description"])
