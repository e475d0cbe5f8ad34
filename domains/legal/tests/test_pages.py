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


def test_overview_shows_the_pack(legal_page):
    app = legal_page("overview")
    assert app.title[0].value == "Legal 0.1.0"


def test_citations_page_lists_citations_and_shows_the_marked_text(legal_page, opinion):
    app = legal_page("citations")
    app.text_area(key="legal_citations_text").input(opinion("dickerson_syllabus"))
    app.button(key="legal_citations_find").click().run()
    assert not app.exception
    assert app.subheader[0].value == "3 citations (1 case, 1 id, 1 statute)"
    table = app.dataframe[0].value
    assert list(table["text"]) == ["384 U.S. 436", "id., at 479", "18 U.S.C. § 3501"]
    assert list(table["refers_to"])[1] == 0
    marked = [m.value for m in app.markdown if '<mark class="citation' in m.value]
    assert marked and marked[0].count("<mark") == 3


def test_contract_review_page_shows_risks_values_and_clauses(legal_page, cuad_contract):
    app = legal_page("contracts")
    app.text_area(key="legal_review_text").input(cuad_contract("reseller_agreement"))
    app.button(key="legal_review_paste").click().run()
    assert not app.exception
    assert "renews automatically" in app.error[0].value  # the high-severity risk
    values = app.table[0].value
    assert values.loc["governing_law", "value"] == "New York"
    findings = app.dataframe[0].value
    assert "Governing Law" in set(findings["category"])
    assert any("Governing Law" in e.label for e in app.expander)


def test_contract_review_page_shows_the_backends_message_on_empty_text(legal_page):
    app = legal_page("contracts")
    app.button(key="legal_review_paste").click().run()
    assert shown(app.error[0].value) == "Text must not be empty."


def test_matters_page_creates_a_matter_and_adds_a_computed_deadline(legal_page):
    app = legal_page("matters")
    assert "No matters yet" in app.info[0].value
    app.text_input(key="legal_new_title").input("Acme v. Globex")
    app.text_input(key="legal_new_client").input("Acme Corp.")
    app.text_input(key="legal_new_opposing").input("Globex Inc., Initech")
    app.button[[b.label for b in app.button].index("Create matter")].click().run()
    assert not app.exception
    assert app.header[0].value == "Acme v. Globex"
    assert list(app.dataframe[0].value["client"]) == ["Acme Corp."]

    form = [t for t in app.text_input if t.label == "Deadline"][0]
    form.input("Answer due")
    [t for t in app.text_input if t.label == "Rule"][0].input("21 days after service")
    app.date_input[0].set_value(date(2024, 6, 14))
    app.button[[b.label for b in app.button].index("Add deadline")].click().run()
    assert not app.exception
    assert any("2024-07-05" in m.value and "Answer due" in m.value for m in app.markdown)

    [t for t in app.text_input if t.label == "Court"][-1].input("D. Del.")
    app.button[[b.label for b in app.button].index("Save changes")].click().run()
    assert app.dataframe[0].value["court"][0] == "D. Del."
