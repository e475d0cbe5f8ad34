"""Word count: text statistics (words, sentences, reading time) as a one-file local plugin.

Load it with `codexcontinue --plugins-dir plugins serve`; its route is
POST /api/v1/word-count/count with {"text": "..."}.
"""

import re

from fastapi import APIRouter
from pydantic import BaseModel, Field

from codexcontinue import PackInfo, hookimpl

PACK_NAME = "word-count"
PLUGIN_API = ">=1,<2"
__version__ = "0.1.0"
WORDS_PER_MINUTE = 230

router = APIRouter()


class Text(BaseModel):
    """The text to measure."""

    text: str = Field(max_length=1_000_000)


class TextStats(BaseModel):
    """What the text is made of."""

    words: int
    sentences: int
    characters: int
    reading_minutes: float


@router.post("/count")
async def count(body: Text) -> TextStats:
    """Count words and sentences and estimate the reading time."""
    words = re.findall(r"[\w'-]+", body.text)
    sentences = [s for s in re.split(r"[.!?]+(?:\s|$)", body.text) if s.strip()]
    return TextStats(
        words=len(words),
        sentences=len(sentences),
        characters=len(body.text),
        reading_minutes=round(len(words) / WORDS_PER_MINUTE, 2),
    )


@hookimpl
def pack_info() -> PackInfo:
    """Identity of the word-count plugin."""
    return PackInfo(name=PACK_NAME, title="Word count", version=__version__, icon=":material/notes:")


@hookimpl
def api_router() -> APIRouter:
    """The /count route."""
    return router
