"""Citation extraction on excerpts of real opinions (tests/data/opinions, public domain)."""

from __future__ import annotations

from codexcontinue_legal.citations import annotate, extract_citations


def test_full_case_citations_carry_reporter_volume_page_pin_year_court_and_parties(opinion):
    citations = extract_citations(opinion("dickerson_majority"))
    carlisle = citations[0]
    assert (carlisle.kind, carlisle.text, carlisle.normalized) == ("case", "517 U. S. 416", "517 U.S. 416")
    assert (carlisle.reporter, carlisle.volume, carlisle.page, carlisle.pin_cite) == (
        "U.S.",
        "517",
        "416",
        "426",
    )
    assert (carlisle.court, carlisle.year) == ("scotus", 1996)
    assert (carlisle.plaintiff, carlisle.defendant) == ("Carlisle", "United States")
    years = {c.plaintiff: c.year for c in citations if c.kind == "case"}
    assert years == {
        "Carlisle": 1996,
        "Palermo": 1959,
        "Funk": 1933,
        "Gordon": 1953,
        "Vance": 1980,
        "Boerne": 1997,
    }


def test_each_case_keeps_its_own_year_and_parties_next_to_a_neighbour(opinion):
    # The eyecite 2.7 regression (freelawproject/eyecite#321) moved these onto the neighbour.
    citations = extract_citations(opinion("dickerson_majority"))
    palermo, funk, gordon = citations[1], citations[2], citations[3]
    assert (palermo.plaintiff, palermo.year, palermo.pin_cite) == ("Palermo", 1959, "353, n. 11")
    assert (funk.plaintiff, funk.year, funk.pin_cite) == ("Funk", 1933, "382")
    assert (gordon.plaintiff, gordon.year, gordon.pin_cite) == ("Gordon", 1953, "418")


def test_supra_and_id_citations_resolve_to_the_full_citation_they_mean(opinion):
    majority = extract_citations(opinion("dickerson_majority"))
    supras = [c for c in majority if c.kind == "supra"]
    assert [(c.pin_cite, majority[c.refers_to].plaintiff) for c in supras] == [
        ("at 345-348", "Palermo"),
        ("at 426", "Carlisle"),
    ]
    faulkingham = extract_citations(opinion("faulkingham"))
    id_cite = faulkingham[-1]
    assert (id_cite.kind, id_cite.pin_cite) == ("id", "at 72")
    assert faulkingham[id_cite.refers_to].normalized == "156 F. Supp. 2d 60"


def test_parallel_citations_of_one_case_are_each_found(opinion):
    citations = extract_citations(opinion("faulkingham"))
    miranda = [c for c in citations if c.plaintiff == "Miranda"]
    assert [c.normalized for c in miranda] == ["384 U.S. 436", "86 S. Ct. 1602", "16 L. Ed. 2d 694"]
    assert {c.year for c in miranda} == {1966}


def test_short_form_case_citation_is_read(opinion):
    short = extract_citations(opinion("dickerson_dissent"))[0]
    assert (short.kind, short.text, short.normalized) == (
        "short_case",
        "384 U. S., at 460",
        "384 U.S., at 460",
    )
    assert (short.reporter, short.volume) == ("U.S.", "384")
    assert short.court == "scotus"


def test_statutes_and_regulations_are_told_apart(opinion):
    syllabus = extract_citations(opinion("dickerson_syllabus"))
    miranda, id_cite, statute = syllabus
    assert (statute.kind, statute.title, statute.reporter, statute.section) == (
        "statute",
        "18",
        "U.S.C.",
        "3501",
    )
    assert id_cite.refers_to == miranda.index and id_cite.pin_cite == "at 479"
    regulation = extract_citations(opinion("kisor"))[-1]
    assert (regulation.kind, regulation.title, regulation.section, regulation.pin_cite) == (
        "regulation", "38", "3.156", "(c)(1)",
    )  # fmt: skip
    assert extract_citations(opinion("kisor"))[0].court == "cafc"


def test_spans_point_at_the_citation_in_the_text(opinion):
    text = opinion("kisor")
    for citation in extract_citations(text):
        assert text[citation.start : citation.end] == citation.text
        assert citation.full_start <= citation.start and citation.end <= citation.full_end


def test_annotated_text_marks_every_citation_and_escapes_the_rest():
    text = 'See "Miranda v. Arizona, 384 U.S. 436 (1966)" & 18 U.S.C. § 3501.'
    marked = annotate(text, extract_citations(text))
    assert marked == (
        "See &quot;Miranda v. Arizona, "
        '<mark class="citation case" data-index="0">384 U.S. 436</mark> (1966)&quot; &amp; '
        '<mark class="citation statute" data-index="1">18 U.S.C. § 3501</mark>.'
    )


def test_the_citations_route_answers_a_table_and_the_annotated_text(api_client, legal_headers, opinion):
    response = api_client.post(
        "/api/v1/legal/citations", json={"text": opinion("faulkingham")}, headers=legal_headers
    )
    assert response.status_code == 200
    body = response.json()
    assert body["counts"] == {"case": 4, "id": 1}
    assert body["citations"][0]["plaintiff"] == "Miranda"
    assert body["annotated_html"].count('<mark class="citation') == 5


def test_the_citations_route_refuses_unknown_fields_and_needs_only_the_read_scope(api_client, make_api_key):
    writer = make_api_key("legal:write")
    response = api_client.post(
        "/api/v1/legal/citations", json={"text": "x", "anotate": False}, headers=writer
    )
    assert response.status_code == 422 and "anotate" in response.json()["detail"]
    reader = make_api_key("legal:read")
    response = api_client.post("/api/v1/legal/citations", json={"text": "x"}, headers=reader)
    assert response.status_code == 200  # it analyses the text and stores nothing: READ_SCOPE
    other = make_api_key("finance:write")
    assert api_client.post("/api/v1/legal/citations", json={"text": "x"}, headers=other).status_code == 403
    assert api_client.post("/api/v1/legal/matters", json={}, headers=reader).status_code == 403



def test_the_faster_court_lookup_answers_as_eyecites_own():
    from courts_db import courts

    from codexcontinue_legal.citations import EYECITE_COURT_BY_PAREN, _court_by_paren

    strings = [court["citation_string"] for court in courts] + ["2d Cir.", "Pa.Super.", "SC", "N.D. Cal.", "", "zz"]
    assert [_court_by_paren(s) for s in strings] == [EYECITE_COURT_BY_PAREN(s) for s in strings]
