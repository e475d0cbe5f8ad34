"""Cross-validate the de-identifier by patient: the nursing vocabulary (its one fitted part) is rebuilt
from the training patients of each fold and the detector is scored on the others.

    python domains/health/scripts/cross_validate_deid.py ../shared/data/deid-dev [--folds 5] [--show-missed]

Prints the pooled score over the held-out folds (each patient scored once, by a detector that never
saw its notes), then the same detector with the shipped vocabulary on the whole corpus, for contrast.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from build_nursing_vocabulary import nursing_vocabulary
from codexcontinue_health.annotated_corpus import read_corpus
from codexcontinue_health.deid_scoring import DeidScore, score_corpus
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


def main() -> None:
    """Run the folds and print the pooled score."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--show-missed", action="store_true")
    args = parser.parse_args()
    notes = read_corpus(args.corpus)
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
