"""Matters page: list, open and edit matters; opposing parties one by one; deadlines (computed from
rules), documents and notes; deleting a matter asks first. What people typed is shown as text."""

from datetime import date

import pandas as pd
import streamlit as st

from codexcontinue.ui.client import BackendError
from codexcontinue.ui.session import backend, show_error
from codexcontinue.ui.text import literal

MATTERS = "/api/v1/legal/matters"
STATUSES = ["open", "pending", "closed"]
SELECTED = "legal_matter_selected"
CONFIRM_DELETE = "legal_matter_confirm_delete"

client = backend()
st.title("Matters")


def call(method: str, path: str, **kwargs):  # noqa: ANN003, ANN201 - BackendClient arguments
    """Send one request; show the backend's message and return None when it fails."""
    try:
        return client.request(method, path, **kwargs)
    except BackendError as error:
        show_error(error)
        return None


def one_per_line(text: str) -> list[str]:
    """Names typed one per line, each kept whole ('Northwind Analytics, Inc.')."""
    return [line.strip() for line in text.splitlines() if line.strip()]


matters = call("GET", MATTERS) or []
if matters:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "title": m["title"], "client": m["client"], "status": m["status"], "court": m["court"],
                    "opposing parties": "; ".join(m["opposing_parties"]),
                    "next deadline": min((d["due"] for d in m["deadlines"]), default=None), "id": m["id"],
                }
                for m in matters
            ]
        ),
        hide_index=True,
    )  # fmt: skip
else:
    st.info("No matters yet: create the first one below.")

with st.expander("New matter", expanded=not matters):
    with st.form("legal_new_matter", clear_on_submit=True):
        title = st.text_input("Title", key="legal_new_title")
        client_name = st.text_input("Client", key="legal_new_client")
        opposing = st.text_area("Opposing parties (one per line)", key="legal_new_opposing", height=80)
        court = st.text_input("Court", key="legal_new_court")
        status = st.selectbox("Status", STATUSES, key="legal_new_status")
        if st.form_submit_button("Create matter"):
            created = call("POST", MATTERS, json={
                "title": title, "client": client_name, "opposing_parties": one_per_line(opposing),
                "court": court or None, "status": status,
            })  # fmt: skip
            if created:
                st.session_state[SELECTED] = created["id"]
                st.rerun()

if matters:
    ids = [m["id"] for m in matters]
    chosen = st.session_state.get(SELECTED)
    selected_id = st.selectbox(
        "Open matter", ids, index=ids.index(chosen) if chosen in ids else 0,
        format_func=lambda i: next(f"{m['title']} ({m['client']})" for m in matters if m["id"] == i),
    )  # fmt: skip
    st.session_state[SELECTED] = selected_id
    matter = next(m for m in matters if m["id"] == selected_id)
    path = f"{MATTERS}/{selected_id}"
    st.header(literal(matter["title"]))

    with st.form("legal_edit_matter"):
        title = st.text_input("Title", matter["title"])
        client_name = st.text_input("Client", matter["client"])
        court = st.text_input("Court", matter["court"] or "")
        status = st.selectbox("Status", STATUSES, index=STATUSES.index(matter["status"]))
        if st.form_submit_button("Save changes"):
            if call("PATCH", path, json={
                "title": title, "client": client_name, "court": court or None, "status": status,
            }):  # fmt: skip
                st.rerun()

    st.subheader("Opposing parties")
    parties = matter["opposing_parties"]
    for position, party in enumerate(parties):
        left, right = st.columns([5, 1])
        left.text(party)
        if right.button("Remove", key=f"legal_remove_party_{position}"):
            if call("PATCH", path, json={"opposing_parties": [p for i, p in enumerate(parties) if i != position]}):
                st.rerun()
    if not parties:
        st.caption("None yet.")
    with st.form("legal_add_party", clear_on_submit=True):
        new_party = st.text_input("Opposing party", placeholder="Northwind Analytics, Inc.", key="legal_new_party")
        if st.form_submit_button("Add party") and new_party.strip():
            if call("PATCH", path, json={"opposing_parties": [*parties, new_party.strip()]}):
                st.rerun()

    st.subheader("Deadlines")
    for deadline in matter["deadlines"]:
        left, right = st.columns([5, 1])
        left.text(
            f"{deadline['due']} — {deadline['title']}"
            + (f" ({deadline['explanation']})" if deadline["explanation"] else "")
        )
        if right.button("Remove", key=f"legal_remove_{deadline['id']}"):
            if call("DELETE", f"{path}/deadlines/{deadline['id']}"):
                st.rerun()
    with st.form("legal_add_deadline", clear_on_submit=True):
        deadline_title = st.text_input("Deadline", placeholder="Answer due")
        rule = st.text_input("Rule", placeholder="30 days after service (or '10 court days before trial')")
        trigger = st.date_input("Counted from", value=date.today())
        if st.form_submit_button("Add deadline"):
            if call("POST", f"{path}/deadlines", json={
                "title": deadline_title, "rule": rule, "trigger_date": trigger.isoformat(),
            }):  # fmt: skip
                st.rerun()

    st.subheader("Documents")
    for document in matter["documents"]:
        st.text(f"{document['name']} — {document['description']}" if document["description"] else document["name"])
    with st.form("legal_add_document", clear_on_submit=True):
        document_name = st.text_input("Document name")
        description = st.text_input("Description")
        if st.form_submit_button("Add document"):
            if call("POST", f"{path}/documents", json={"name": document_name, "description": description}):
                st.rerun()

    st.subheader("Notes")
    for note in matter["notes"]:
        st.caption(note["created_at"][:16].replace("T", " "))
        st.text(note["text"])
    with st.form("legal_add_note", clear_on_submit=True):
        note_text = st.text_area("Note")
        if st.form_submit_button("Add note"):
            if call("POST", f"{path}/notes", json={"text": note_text}):
                st.rerun()

    if st.session_state.get(CONFIRM_DELETE) == selected_id:
        st.warning(
            f"Delete the matter '{literal(matter['title'])}' with its {len(matter['deadlines'])} deadline(s), "
            f"{len(matter['documents'])} document(s) and {len(matter['notes'])} note(s)? This cannot be undone."
        )
        yes, no = st.columns(2)
        if yes.button("Yes, delete it", key="legal_delete_confirmed", type="primary"):
            st.session_state.pop(CONFIRM_DELETE, None)
            if call("DELETE", path) is not None:
                st.session_state.pop(SELECTED, None)
                st.rerun()
        if no.button("Keep it", key="legal_delete_cancelled"):
            st.session_state.pop(CONFIRM_DELETE, None)
            st.rerun()
    elif st.button("Delete this matter", key="legal_delete_matter"):
        st.session_state[CONFIRM_DELETE] = selected_id
        st.rerun()
