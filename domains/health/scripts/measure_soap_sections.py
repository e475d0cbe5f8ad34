"""Measure the rule-based SOAP placement on the hand-labelled development notes.

    python domains/health/scripts/measure_soap_sections.py ../shared/data/deid-dev

eval/soap_sentence_labels.jsonl holds, for 30 notes of the development half that have no SOAP
headings (one note per patient, chosen at random), the offsets of each sentence and the section a
person gave it; never the text. This script reads the notes from the corpus folder, places each
labelled sentence with `place_sentence`, and prints the share placed right, per section and overall.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from codexcontinue_health.annotated_corpus import read_physionet
from codexcontinue_health.soap_sections import place_sentence

LABELS = Path(__file__).resolve().parents[1] / "eval" / "soap_sentence_labels.jsonl"


def measure(corpus: Path) -> tuple[int, int, Counter, Counter]:
    """(right, total, right per section, total per section) over the labelled sentences."""
    notes = {note.id: note.text for note in read_physionet(corpus)}
    right = total = 0
    per_right: Counter = Counter()
    per_total: Counter = Counter()
    for line in LABELS.read_text().splitlines():
        labelled = json.loads(line)
        text = notes[f"p{labelled['patient']}-n{labelled['note']}"]
        for start, end, section in labelled["sentences"]:
            placed = place_sentence(text[start:end]).value
            total += 1
            per_total[section] += 1
            if placed == section:
                right += 1
                per_right[section] += 1
    return right, total, per_right, per_total


def main() -> None:
    """Print the share placed right."""
    if len(sys.argv) != 2:
        sys.exit("usage: measure_soap_sections.py CORPUS_DIR")
    right, total, per_right, per_total = measure(Path(sys.argv[1]))
    print(f"{right}/{total} sentences placed right: {right / total:.3f}")
    for section in ("subjective", "objective", "assessment", "plan"):
        print(f"  {section:11s} {per_right[section]:4d}/{per_total[section]:<4d} {per_right[section] / max(per_total[section], 1):.3f}")


if __name__ == "__main__":
    main()
