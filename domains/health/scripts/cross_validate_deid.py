"""Cross-validate the de-identifier by patient: the nursing vocabulary (its one fitted part) is rebuilt
from the training patients of each fold and the detector is scored on the others.

    python domains/health/scripts/cross_validate_deid.py ../shared/data/deid-dev [--folds 5] [--show-missed] [--swap-surrogates]

Prints the pooled score over the held-out folds (each patient scored once, by a detector that never
saw its notes), then the same detector with the shipped vocabulary on the whole corpus, for contrast.

`--swap-surrogates` first replaces every name and place of the notes by another one drawn at random
(census names, US cities, two-letter codes for the hospitals' codes; the case of each word kept), so
the score shows how much the rules owe to the particular names the development notes happen to use.
Within a note the same word always gets the same surrogate, as in the corpus.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

from build_nursing_vocabulary import nursing_vocabulary
from codexcontinue_health.annotated_corpus import AnnotatedNote, GoldSpan, read_corpus
from codexcontinue_health.deid_scoring import DeidScore, score_corpus
from codexcontinue_health.names_and_places import (
    FACILITY,
    FACILITY_NAME_WORDS,
    SAINT,
    STATES,
)
from codexcontinue_health.phi_detector import detect_phi
from codexcontinue_health.word_lists import WordLists, clinical_words, word_lists

SEED = 14


def fold_lists(vocabulary: set[str]) -> WordLists:
    """The shipped lists with another nursing vocabulary."""
    shipped = word_lists()
    return WordLists(
        first=shipped.first,
        last=shipped.last,
        english=shipped.english,
        places=shipped.places,
        clinical=clinical_words(shipped.clinical_terms, frozenset(vocabulary)),
        clinical_terms=shipped.clinical_terms,
    )


PEOPLE = {"HCPName", "RelativeProxyName", "PTName"}


def swap_surrogates(notes: list[AnnotatedNote], seed: int = SEED) -> list[AnnotatedNote]:
    """The notes with every person's and place's name replaced by a random other one, offsets updated."""
    lists, rng = word_lists(), random.Random(seed)
    first = sorted(lists.first)
    last = sorted(name for name, rank in lists.last.items() if rank < 20_000)
    places = sorted(p for p in lists.places if re.fullmatch(r"[a-z]{4,}", p) and p not in STATES and not lists.vocabulary(p))

    def same_case(model: str, word: str) -> str:
        return word.upper() if model.isupper() and len(model) > 1 else word.lower() if model.islower() else word.capitalize()

    chosen: dict[str, str] = {}

    def other(category: str, word: str) -> str:
        """One surrogate per word of a note, as the corpus's publishers did, in the word's case."""
        lower = word.lower().strip(".")
        if lower not in chosen:
            chosen[lower] = pick(category, word, lower)
        return same_case(word, chosen[lower])

    def pick(category: str, word: str, lower: str) -> str:
        if len(lower) <= 1 or lower in FACILITY or lower in FACILITY_NAME_WORDS or lower in SAINT or lower == "of":
            return word
        if category in PEOPLE:
            return same_case(word, rng.choice(first if lower in lists.first else last))
        if len(word) <= 3 and word.isupper() or len(word) <= 2:
            while True:  # a code that is no word, no state and no clinical abbreviation, as 'GH' is none
                code = "".join(rng.choice("BCDFGHJKLMNPRSTVWZ") for _ in range(len(word)))
                if code.lower() not in STATES and not lists.vocabulary(code.lower()) and not lists.listed(code.lower()):
                    return same_case(word, code)
        return same_case(word, rng.choice(places))

    swapped = []
    for note in notes:
        chosen.clear()
        text, spans, shift, position, pieces = note.text, [], 0, 0, []
        for gold in sorted(note.spans, key=lambda g: g.start):
            if gold.start < position:
                continue
            value = text[gold.start : gold.end]
            if gold.category in PEOPLE or gold.category == "Location":
                value = re.sub(r"[A-Za-z]+", lambda m, category=gold.category: other(category, m.group()), value)
            pieces += [text[position : gold.start], value]
            start = gold.start + shift
            spans.append(GoldSpan(start, start + len(value), gold.category))
            shift += len(value) - (gold.end - gold.start)
            position = gold.end
        pieces.append(text[position:])
        swapped.append(AnnotatedNote(note.id, "".join(pieces), note.patient, spans))
    return swapped


def main() -> None:
    """Run the folds and print the pooled score."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--show-missed", action="store_true")
    parser.add_argument("--swap-surrogates", action="store_true")
    args = parser.parse_args()
    notes = read_corpus(args.corpus)
    if args.swap_surrogates:
        notes = swap_surrogates(notes)
        print("Names and places swapped for random others (seed 14).")
    patients = sorted({n.patient for n in notes})
    random.Random(SEED).shuffle(patients)
    pooled = DeidScore()
    for fold in range(args.folds):
        held_out = set(patients[fold :: args.folds])
        train = [n for n in notes if n.patient not in held_out]
        test = [n for n in notes if n.patient in held_out]
        lists = fold_lists(nursing_vocabulary(train))
        score = score_corpus(test, lambda text, lists=lists: detect_phi(text, lists))
        print(f"fold {fold + 1}: {len(held_out)} patients, recall {score.recall:.3f}, PPV {score.ppv:.3f}")
        pooled.add(score)
    print(f"\nPooled over {args.folds} folds by patient (each note scored by a detector that never saw its patient):")
    print("\n".join(pooled.lines()))
    if args.show_missed:
        texts = {n.id: n.text for n in notes}
        for note_id, category, start, end in pooled.misses:
            text = texts[note_id]
            print(f"  missed {category} {text[start:end]!r} in {text[max(0, start - 40):end + 30]!r}")
    whole = score_corpus(notes)
    print("\nShipped vocabulary on the whole development half (its training data, for contrast):")
    print("\n".join(whole.lines()))


if __name__ == "__main__":
    main()
