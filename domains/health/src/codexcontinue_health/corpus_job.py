"""De-identifying a whole corpus as a job: a JSONL upload in, progress in the job's events, JSONL out.

    POST /api/v1/health/deidentify/corpus      (multipart: file=notes.jsonl, mode=redact)
      -> 202 {"id": job id, "events_url", "status_url", "result_url"}
    GET  /api/v1/jobs/{id}/events              progress events: "1200 of 5000 notes"
    GET  /api/v1/health/deidentify/corpus/{id}/result   -> the de-identified notes, JSONL

The notes wait for the worker in the store encrypted (`note_keys.note_cipher`), never in clear:
no PHI in Redis or the embedded store. The task deletes them as it starts, and keeps the result
(de-identified text and spans, never the originals) for `RESULT_TTL_S`. Upload and result live in
the owner's namespace of the store, so only keys of the owner who started the job reach them.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from codexcontinue import JobContext
from codexcontinue.cpu_work import checkpoint, run_cpu_bound
from cryptography.fernet import InvalidToken

from .deidentify import Mode, deidentify
from .note_keys import note_cipher, pack_key
from .settings import HealthSettings

UPLOAD = "corpus-upload"  # items of the job owner's namespace (`JobContext.owned_store`): UPLOAD/<upload id>
RESULT = "corpus-result"  # and RESULT/<job id>
UPLOAD_TTL_S = 24 * 3600
RESULT_TTL_S = 24 * 3600
CHUNK = 50  # notes per slice of work between two progress events


class CorpusRefused(ValueError):
    """An upload that is not a corpus of notes; the message names the line and says what to write."""


def read_notes(data: bytes, max_notes: int, max_chars: int) -> list[dict[str, str]]:
    """The notes of a JSONL upload: one `{"id": ..., "text": ...}` a line (`id` optional: the line number)."""
    try:
        lines = data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise CorpusRefused("The file is not UTF-8 text; save it as UTF-8 JSONL (one note a line).") from None
    notes: list[dict[str, str]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            raise CorpusRefused(f'Line {number} is not JSON; write one note a line: {{"id": "n1", "text": "..."}}.') from None
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
            raise CorpusRefused(f'Line {number} has no "text" (a non-empty string); write {{"id": "n1", "text": "..."}}.')
        unknown = sorted(set(item) - {"id", "text"})
        if unknown:
            raise CorpusRefused(f'Line {number} has fields this job does not read ({", ".join(unknown)}); keep only "id" and "text".')
        if len(item["text"]) > max_chars:
            raise CorpusRefused(f"Line {number}: the note has {len(item['text'])} characters; the limit is {max_chars}. Split it.")
        note_id = item.get("id", number)
        if not isinstance(note_id, (str, int)) or isinstance(note_id, bool) or len(str(note_id)) > 200:
            raise CorpusRefused(f'Line {number}: "id" must be a string or a number of at most 200 characters.')
        notes.append({"id": str(note_id), "text": item["text"]})
        if len(notes) > max_notes:
            raise CorpusRefused(f"The file has more than {max_notes} notes; split it into files of at most {max_notes}.")
    if not notes:
        raise CorpusRefused('The file holds no note; write one JSON object a line: {"id": "n1", "text": "..."}.')
    return notes


def seal(notes: list[dict[str, str]], settings: HealthSettings) -> bytes:
    """The notes encrypted for the store."""
    return note_cipher(settings).encrypt(json.dumps(notes).encode())


def new_upload_id() -> str:
    """A random id for an upload waiting for its job."""
    return uuid.uuid4().hex


def _deidentify_chunk(notes: list[dict[str, str]], mode: Mode, key: bytes) -> list[dict[str, Any]]:
    results = []
    for note in notes:
        checkpoint()
        result = deidentify(note["text"], mode, key=key)
        spans = [s.model_dump(mode="json") for s in result.spans]
        results.append({"id": note["id"], "document_id": result.document_id, "text": result.text, "spans": spans, "flags": result.flags})
    return results


async def deidentify_corpus(context: JobContext, upload: str, mode: Mode = Mode.REDACT) -> dict[str, Any]:
    """The job: de-identify every note of an upload, report progress, keep the JSONL result."""
    settings = context.pack_settings if isinstance(context.pack_settings, HealthSettings) else None
    owned = context.owned_store()
    sealed = await owned.get(UPLOAD, upload)
    if sealed is None:
        raise LookupError("The uploaded notes are gone (expired after 24 hours, or already processed); upload them again.")
    await owned.delete(UPLOAD, upload)
    try:
        notes = json.loads(note_cipher(settings).decrypt(sealed))
    except InvalidToken:
        raise PermissionError(
            "This worker cannot read the uploaded notes: they were encrypted with another key. Set "
            "CODEXCONTINUE_HEALTH__PSEUDONYM_KEY to the same secret in the API and every worker."
        ) from None
    key = pack_key(settings)
    lines: list[str] = []
    spans = 0
    await context.progress(0.0, f"0 of {len(notes)} notes")
    for first in range(0, len(notes), CHUNK):
        done = await run_cpu_bound(_deidentify_chunk, notes[first : first + CHUNK], mode, key)
        spans += sum(len(item["spans"]) for item in done)
        lines += [json.dumps(item) for item in done]
        finished = min(first + CHUNK, len(notes))
        await context.progress(finished / len(notes), f"{finished} of {len(notes)} notes")
    await owned.set("\n".join(lines) + "\n", RESULT, context.job_id, ttl=RESULT_TTL_S)
    return {"notes": len(notes), "spans": spans, "mode": str(mode), "result_url": f"/api/v1/health/deidentify/corpus/{context.job_id}/result"}
