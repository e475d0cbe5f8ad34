"""Showing text a person sent (contract words, matter notes, names) in Streamlit elements that read
Markdown, as the text itself: every Markdown and HTML sign is escaped, so '![x](http://host/p.png)'
shows those characters and makes no browser fetch anything."""

from __future__ import annotations

import re

_MARKDOWN_SIGNS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&=:\"'])")


def literal(text: str) -> str:
    """`text` with each Markdown or HTML sign backslash-escaped, for `st.markdown`, `st.error` and the like."""
    return _MARKDOWN_SIGNS.sub(r"\\\1", text)
