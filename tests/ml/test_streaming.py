"""Reading a reply in pieces: a reasoning model's opening <think> block is dropped, whatever the cut."""

from __future__ import annotations

import pytest

from codexcontinue.ml.streaming import ThinkingFilter, without_thinking


def filtered(*pieces: str) -> tuple[list[str], str]:
    """What the filter passes on for each piece, and what `finish` returns."""
    thinking = ThinkingFilter()
    return [thinking.feed(piece) for piece in pieces], thinking.finish()


def test_an_opening_think_block_is_dropped_even_when_its_tags_are_cut_across_pieces() -> None:
    passed, rest = filtered("  <th", "ink>plan", "ning </thi", "nk>", "\n\nAn", "swer", " done")
    assert passed == ["", "", "", "", "An", "swer", " done"] and rest == ""


@pytest.mark.parametrize(
    ("pieces", "answer"),
    [
        (["<thi", "s is text"], "<this is text"),  # looked like the tag, was not
        (["Answer <think>x</think>"], "Answer <think>x</think>"),  # only an opening block is reasoning
        (["\n  ", "Plain"], "\n  Plain"),
        (["<think>only reasoning, cut off"], ""),  # never closed: no answer at all
        (["<think>a</think>"], ""),
        (["<th"], "<th"),
    ],
)
def test_text_that_does_not_open_with_a_think_block_passes_unchanged(pieces: list[str], answer: str) -> None:
    passed, rest = filtered(*pieces)
    assert "".join(passed) + rest == answer


def test_a_whole_reply() -> None:
    assert without_thinking('<think>\nThe user wants JSON.\n</think>\n\n{"a": 1}') == '{"a": 1}'
    assert without_thinking('{"a": 1}') == '{"a": 1}'
