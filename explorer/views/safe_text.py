"""User text shown exactly as typed where Streamlit renders markdown.

st.error, st.info and a widget's help render markdown: links, images (an image is a request to
any server a label names), emphasis, :emoji: and :color[...] directives, $LaTeX$. Escaping
every ASCII punctuation mark with a backslash (CommonMark's rule) leaves none of that active.
"""

import re

_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def literal(text: str) -> str:
    """``text`` as markdown that renders to exactly ``text``."""
    return _PUNCTUATION.sub(r"\\\1", text)
