"""User-supplied text shown as text in Streamlit, never read as Markdown or HTML.

Streamlit reads the strings given to `st.markdown`, `st.caption`, `st.error`, `st.header` and their
kin as Markdown (with emoji and `:color[...]` directives and `$...$` maths): a note holding
`![x](http://host/p.png)` would make every viewer's browser fetch that address, and `**`, `#` or a
leading `1.` would reformat it. `literal(text)` escapes every ASCII punctuation character with a
backslash, which CommonMark (and so Streamlit) shows as the character itself. Tables
(`st.dataframe`), `st.text` and `st.code` show text as it is and need no escaping.

    st.caption(f"Left out: {literal(path)}")
"""

from __future__ import annotations

import re

MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def literal(text: object) -> str:
    """Markdown that shows `text` exactly as written: nothing becomes a link, an image or formatting."""
    return MARKDOWN_PUNCTUATION.sub(r"\\\1", str(text))


def shown(markdown: str) -> str:
    """The text a person sees for Markdown made with `literal` (its backslash escapes undone); for
    tests that read a page's elements under AppTest."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)
