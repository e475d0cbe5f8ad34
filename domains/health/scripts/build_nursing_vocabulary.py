"""Build the nursing vocabulary: words of annotated ICU notes that are never PHI.

    python domains/health/scripts/build_nursing_vocabulary.py ../shared/data/deid-dev

Nursing notes are full of words no dictionary has ('Carevue', 'sxn', 'dopa', 'Quinton', 'hoyer')
and that a name rule would otherwise take for a surname or a town. This script reads an annotated
corpus (health eval's formats) and keeps a word when it is

- written in the notes of at least `MIN_PATIENTS` different patients (a word of one patient's notes
  may be that patient's PHI that the annotators left out), or `MIN_PATIENTS_NAME` when the word is
  also a census name ('quinton'),
- never inside an annotated PHI span, anywhere in the corpus.

So the list holds no one's PHI: only the shared vocabulary of the unit. It is a fitted part of the
detector: scripts/cross_validate_deid.py rebuilds it on the training patients of each fold, so the
figures in docs/deid-quality.md measure it on patients it never saw.

Writes src/codexcontinue_health/data/nursing_words.txt.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from codexcontinue_health.annotated_corpus import AnnotatedNote, read_corpus
from codexcontinue_health.word_lists import word_lists

DATA = Path(__file__).resolve().parents[1] / "src" / "codexcontinue_health" / "data"
TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
MIN_PATIENTS = 3
MIN_PATIENTS_NAME = 6


def nursing_vocabulary(notes: Iterable[AnnotatedNote]) -> set[str]:
    """The lower-case words of `notes` that are shared by several patients and never PHI."""
    lists = word_lists()
    patients: dict[str, set[str]] = defaultdict(set)
    phi: set[str] = set()
    for note in notes:
        for match in TOKEN.finditer(note.text):
            word = match.group().lower().replace("’", "'").removesuffix("'s")
            if any(span.start < match.end() and match.start() < span.end for span in note.spans):
                phi.add(word)
            else:
                patients[word].add(note.patient or note.id)
    keep = set()
    for word, seen in patients.items():
        if word in phi or len(word) < 2 or word in lists.english:
            continue
        needed = MIN_PATIENTS_NAME if lists.listed(word) or word in lists.places else MIN_PATIENTS
        if len(seen) >= needed:
            keep.add(word)
    return keep


def main() -> None:
    """Read the corpus named on the command line and write the vocabulary."""
    if len(sys.argv) != 2:
        sys.exit("usage: build_nursing_vocabulary.py CORPUS_DIR")
    words = nursing_vocabulary(read_corpus(Path(sys.argv[1])))
    (DATA / "nursing_words.txt").write_text("\n".join(sorted(words)) + "\n")
    print(f"{len(words)} words written to {DATA / 'nursing_words.txt'}")


if __name__ == "__main__":
    main()
