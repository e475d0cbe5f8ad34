"""The Streamlit UI shell: navigation built from the enabled packs' pages, and the backend client."""
