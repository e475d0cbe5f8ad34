"""Errors people read are sentences about what to fix: 422s name fields by their labels, the 503 of an
LLM feature says how to get Ollama going, and commands are written the way they run on this machine."""

from __future__ import annotations

import httpx
import pytest

from codexcontinue.api.validation_messages import describe_problem, field_label
from codexcontinue.ui.client import error_message

PYDANTIC_WORDS = ("Input should", "Field required", "body.", "0.", "loc", "type=")


def assert_readable(detail: str) -> None:
    for words in PYDANTIC_WORDS:
        assert words not in detail, detail
    assert detail[0].isupper() and detail.endswith("."), detail


def test_a_body_field_of_the_wrong_kind_is_named_by_its_label(api_client, make_api_key):
    answer = api_client.post("/api/v1/keys", json={"name": "", "scopes": [], "expires_in_days": "soon"},
                             headers=make_api_key("admin"))  # fmt: skip
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert_readable(detail)
    assert "Name must not be empty." in detail
    assert "Scopes must not be empty." in detail
    assert "Expires in days must be a number." in detail
    assert {p["field"] for p in answer.json()["errors"]} == {"name", "scopes", "expires_in_days"}


def test_a_row_of_a_list_is_named_by_its_number(api_client, make_api_key):
    budgets = [{"category": "Groceries", "limit": 300, "currency": "EUR"},
               {"category": "Rent", "limit": "a lot", "currency": "EUR"}]  # fmt: skip
    answer = api_client.put("/api/v1/finance/transactions/budgets", json=budgets, headers=make_api_key("admin"))
    assert answer.status_code == 422
    assert_readable(answer.json()["detail"])
    assert "Limit in row 2 must be a number." in answer.json()["detail"]


def test_a_missing_body_and_bad_json_say_what_to_send(api_client, make_api_key):
    headers = make_api_key("admin")
    missing = api_client.post("/api/v1/keys", headers=headers)
    assert missing.json()["detail"] == "The request needs a body: send the form's fields as JSON."
    broken = api_client.post("/api/v1/keys", content=b"{not json", headers={**headers, "content-type": "application/json"})
    assert broken.status_code == 422
    assert broken.json()["detail"].startswith("The request body is not valid JSON")


def test_a_query_parameter_is_named_by_its_label(api_client, make_api_key):
    answer = api_client.get("/api/v1/health/icd10/search", params={"q": "cough", "limit": "ten"},
                            headers=make_api_key("admin"))  # fmt: skip
    assert answer.status_code == 422
    assert answer.json()["detail"] == "Limit must be a whole number."


@pytest.mark.parametrize(
    ("problem", "sentence"),
    [
        ({"type": "missing", "loc": ("body", "title")}, "Title is required."),
        ({"type": "float_parsing", "loc": ("body", 0, "limit")}, "Limit in row 1 must be a number."),
        ({"type": "string_too_long", "loc": ("body", "name"), "ctx": {"max_length": 100}},
         "Name may have at most 100 characters."),
        ({"type": "greater_than", "loc": ("query", "window"), "ctx": {"gt": 1}}, "Window must be greater than 1."),
        ({"type": "literal_error", "loc": ("body", "status"), "ctx": {"expected": "'open', 'pending' or 'closed'"}},
         "Status must be one of 'open', 'pending' or 'closed'."),
        ({"type": "value_error", "loc": ("body", "rule"), "msg": "Value error, say when, e.g. '30 days after service'"},
         "Rule: say when, e.g. '30 days after service'."),
        ({"type": "extra_forbidden", "loc": ("body", "colour")},
         "'colour' is not a field this request accepts; leave it out or check its spelling."),
        ({"type": "date_from_datetime_parsing", "loc": ("body", "trigger_date")},
         "Trigger date must be a date such as 2026-03-31."),
        ({"type": "model_attributes_type", "loc": ("body",)}, "The request body must be a JSON object with the form's fields."),
        ({"type": "some_new_kind", "loc": ("body", "opposing_parties", 1, "function-after[check(), str]"),
          "msg": "Input should be a party's name"}, "Opposing parties in row 2 must be a party's name."),
    ],
)  # fmt: skip
def test_each_kind_of_problem_reads_as_a_sentence(problem, sentence):
    assert describe_problem(problem) == sentence


def test_labels_leave_out_pydantic_tags():
    assert field_label(("body", "items", 0, "function-after[validate(), str]")) == "Items in row 1"


def test_an_llm_feature_without_ollama_says_how_to_install_start_and_create_models(api_client, make_api_key, monkeypatch):
    monkeypatch.delenv("HATCH_ENV_ACTIVE", raising=False)
    answer = api_client.post("/api/v1/legal/documents/summary", json={"text": "The tenant pays rent monthly."},
                             headers=make_api_key("admin"))  # fmt: skip
    assert answer.status_code == 503
    detail = answer.json()["detail"]
    assert "https://ollama.com/download" in detail and "start Ollama (`ollama serve`)" in detail
    assert "`codexcontinue models ensure`" in detail and "CODEXCONTINUE_OLLAMA_HOSTS" in detail


def test_commands_in_messages_are_written_the_way_they_run_here(api_client, monkeypatch):
    monkeypatch.delenv("HATCH_ENV_ACTIVE", raising=False)
    assert "`codexcontinue keys create`" in api_client.get("/api/v1/packs").json()["detail"]
    monkeypatch.setenv("HATCH_ENV_ACTIVE", "default")  # what `hatch run` and `hatch shell` set
    assert "`hatch run codexcontinue keys create`" in api_client.get("/api/v1/packs").json()["detail"]


@pytest.mark.parametrize("status", [400, 404, 413, 429, 500, 502, 503, 504])
def test_the_ui_never_shows_a_bare_status_code(status):
    for body in (b"", b"<html>Bad gateway</html>", b'{"detail": ""}'):
        message = error_message(httpx.Response(status, content=body))
        assert str(status) not in message and message.endswith("."), message
    assert error_message(httpx.Response(status, json={"detail": "Say what to fix."})) == "Say what to fix."


def test_a_whole_message_that_is_a_command_is_rewritten_too(monkeypatch):
    from codexcontinue.invocation import with_runnable_commands

    monkeypatch.setenv("HATCH_ENV_ACTIVE", "default")
    assert with_runnable_commands("codexcontinue models ensure --pack legal") == (
        "hatch run codexcontinue models ensure --pack legal"
    )
    assert with_runnable_commands("see `hatch run codexcontinue packs list`") == "see `hatch run codexcontinue packs list`"
    monkeypatch.delenv("HATCH_ENV_ACTIVE")
    assert with_runnable_commands("codexcontinue models ensure") == "codexcontinue models ensure"
