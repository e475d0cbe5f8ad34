"""`codexcontinue health eval --corpus DIR` on small annotated samples this test writes, in both formats."""

import json
import subprocess
import sys

NOTE = "Seen by Dr. Smith on 3/4. pt transferred to GH. Lasix given."


def run(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "codexcontinue.cli", "health", "eval", *arguments],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def spans_of(text: str, *values: tuple[str, str]) -> list[dict]:
    return [{"start": text.index(v), "end": text.index(v) + len(v), "category": c} for v, c in values]


def test_eval_scores_a_jsonl_corpus_by_category(tmp_path):
    missed = "the patient said hello to her friend."  # no PHI the detector can find, one gold span
    notes = [
        {"text": NOTE, "spans": spans_of(NOTE, ("Smith", "HCPName"), ("3/4", "Date"), ("GH", "Location"))},
        {"text": missed, "spans": spans_of(missed, ("hello", "Other"))},
    ]
    (tmp_path / "notes.jsonl").write_text("\n".join(json.dumps(n) for n in notes))
    result = run("--corpus", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    score = json.loads(result.stdout)
    assert (score["notes"], score["gold"], score["found"]) == (2, 4, 3)
    assert score["recall"] == 0.75 and score["ppv"] == 1.0 and score["mb_per_s"] > 0
    assert score["categories"]["Location"] == {"gold": 1, "found": 1, "recall": 1.0}
    assert score["categories"]["Other"]["recall"] == 0.0
    text = run("--corpus", str(tmp_path))
    assert "recall 0.750, PPV 1.000" in text.stdout and "HCPName" in text.stdout and "MB/s" in text.stdout


def test_eval_reads_the_physionet_format(tmp_path):
    (tmp_path / "id.text").write_text(f"START_OF_RECORD=7||||1||||\n{NOTE}\n||||END_OF_RECORD\n", encoding="latin-1")
    start = NOTE.index("Smith")
    (tmp_path / "id-phi.phrase").write_text(f"7 1 {start} {start + 5} HCPName Smith\n", encoding="latin-1")
    score = json.loads(run("--corpus", str(tmp_path), "--json").stdout)
    assert (score["notes"], score["gold"], score["found"], score["recall"]) == (1, 1, 1, 1.0)
    assert score["false_positives"] == 2  # the date and the hospital are not annotated in this sample


def test_eval_says_what_is_wrong_with_a_folder_it_cannot_read(tmp_path):
    result = run("--corpus", str(tmp_path))
    assert result.returncode == 2 and "PhysioNet format" in result.stderr
    (tmp_path / "bad.jsonl").write_text("{not json\n")
    result = run("--corpus", str(tmp_path))
    assert result.returncode == 2 and "bad.jsonl line 1" in result.stderr
