"""Every legal page under Streamlit's AppTest, reached through the shell and talking to a live backend."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from codexcontinue.ui.text import shown


@pytest.fixture
def legal_page(run_page):
    """`legal_page("citations")` -> the shell, signed in with a legal key, on that page (the kit's run_page)."""

    def open_page(slug: str) -> AppTest:
        app = run_page(slug)
        assert not app.exception
        return app

    return open_page


def click(app: AppTest, label: str) -> AppTest:
    """Click the button labelled `label` and run the page again."""
    app.button[[b.label for b in app.button].index(label)].click().run()
    assert not app.exception
    return app


def test_overview_shows_the_pack(legal_page):
    app = legal_page("overview")
    assert app.title[0].value == "Legal 0.1.0"


def test_citations_page_lists_citations_and_shows_the_marked_text_as_html_without_markdown(legal_page, opinion):
    app = legal_page("citations")
    app.text_area(key="legal_citations_text").input(opinion("dickerson_syllabus") + "\n\n![x](http://127.0.0.1:9/p.png)")
    app.button(key="legal_citations_find").click().run()
    assert not app.exception
    assert app.subheader[0].value == "3 citations (1 case, 1 id, 1 statute)"
    table = app.dataframe[0].value
    assert list(table["text"]) == ["384 U.S. 436", "id., at 479", "18 U.S.C. § 3501"]
    assert list(table["refers_to"])[1] == 0
    [marked] = [element.proto.body for element in app.get("html")]
    assert marked.count('<mark class="citation') == 3
    assert "![x](http://127.0.0.1:9/p.png)" in marked  # shown as the characters typed: st.html reads no Markdown


def test_contract_review_page_shows_risks_values_with_passages_and_the_llm_state(legal_page, services_agreement):
    app = legal_page("contracts")
    assert any("The LLM is not available" in warning.value for warning in app.warning)
    assert app.checkbox(key="legal_review_llm").value is False
    assert app.checkbox(key="legal_review_llm").disabled
    app.text_area(key="legal_review_text").input(services_agreement)
    app.button(key="legal_review_paste").click().run()
    assert not app.exception
    assert "renews automatically" in app.error[0].value and "notice of 90 days" in app.error[0].value
    values = app.dataframe[0].value.set_index("value")
    assert values.loc["Notice to stop renewal", "reading"] == "90 days"
    assert "ninety (90) days" in values.loc["Notice to stop renewal", "read from"]
    assert values.loc["Parties", "reading"] == (
        "Northwind Analytics, Inc. (Northwind); Contoso Health Partners, LLC (Customer)"
    )
    findings = app.dataframe[1].value
    assert "Governing Law" in set(findings["category"])


def test_contract_review_page_shows_the_backends_message_on_empty_text(legal_page):
    app = legal_page("contracts")
    app.button(key="legal_review_paste").click().run()
    assert shown(app.error[0].value) == "Text must not be empty."


def test_matters_page_keeps_parties_whole_and_edits_them_one_by_one(legal_page):
    app = legal_page("matters")
    assert "No matters yet" in app.info[0].value
    app.text_input(key="legal_new_title").input("Acme v. Northwind")
    app.text_input(key="legal_new_client").input("Acme Corp.")
    app.text_area(key="legal_new_opposing").input("Northwind Analytics, Inc.\nInitech, LLC")
    click(app, "Create matter")
    assert list(app.dataframe[0].value["opposing parties"]) == ["Northwind Analytics, Inc.; Initech, LLC"]
    assert [t.value for t in app.text][:2] == ["Northwind Analytics, Inc.", "Initech, LLC"]

    app.text_input(key="legal_new_party").input("Globex Holdings, Ltd.")
    click(app, "Add party")
    assert list(app.dataframe[0].value["opposing parties"]) == [
        "Northwind Analytics, Inc.; Initech, LLC; Globex Holdings, Ltd."
    ]
    app.button(key="legal_remove_party_1").click().run()
    assert list(app.dataframe[0].value["opposing parties"]) == ["Northwind Analytics, Inc.; Globex Holdings, Ltd."]


def test_matters_page_adds_a_computed_deadline_and_shows_notes_as_text(legal_page):
    app = legal_page("matters")
    app.text_input(key="legal_new_title").input("Acme v. Globex")
    app.text_input(key="legal_new_client").input("Acme Corp.")
    click(app, "Create matter")
    [t for t in app.text_input if t.label == "Deadline"][0].input("Answer due")
    [t for t in app.text_input if t.label == "Rule"][0].input("21 days after service")
    app.date_input[0].set_value(date(2024, 6, 14))
    click(app, "Add deadline")
    assert any("2024-07-05" in t.value and "Answer due" in t.value for t in app.text)

    note = "Call counsel.\n\n![x](http://127.0.0.1:9/p.png) **not bold**"
    [t for t in app.text_area if t.label == "Note"][0].input(note)
    click(app, "Add note")
    assert note in [t.value for t in app.text]
    assert not any("![x]" in m.value and "\\!" not in m.value for m in app.markdown)


def test_deleting_a_matter_asks_for_confirmation_first(legal_page):
    app = legal_page("matters")
    app.text_input(key="legal_new_title").input("Acme v. Globex")
    app.text_input(key="legal_new_client").input("Acme Corp.")
    click(app, "Create matter")
    click(app, "Delete this matter")
    assert "This cannot be undone" in app.warning[0].value
    assert len(app.dataframe[0].value) == 1  # nothing deleted yet
    click(app, "Keep it")
    assert len(app.dataframe[0].value) == 1 and not app.warning
    click(app, "Delete this matter")
    click(app, "Yes, delete it")
    assert "No matters yet" in app.info[0].value
