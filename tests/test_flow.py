"""`flow.join_words`: the words of a wrapped cell as one string.

Guards against 'Attorney-In- Fact' (a space left where a line broke after a hyphen) and against the
opposite mistake, gluing words that only happen to follow a dash: 'Co- Trustee' on one line, a lone
'-' ending a line, or two plain words on two lines ('Series' / 'A').
"""
import pytest

from extractor.flow import build_flow, join_words
from extractor.page import Document
from extractor.sources.text import read_text_pages


def flow_tokens(text: str):
    """The tokens of a text rendering, in reading order (one source line = one flow line)."""
    return build_flow(Document("t.txt", "", "text", read_text_pages(text))).toks


@pytest.mark.parametrize("text,joined", [
    ("Attorney-In-\nFact", "Attorney-In-Fact"),            # wrapped after the hyphen: no space
    ("Senior Vice-\nPresident, Sales", "Senior Vice-President, Sales"),
    ("Series\nA Preferred", "Series A Preferred"),         # plain wrap: a space
    ("Attorney-In- Fact", "Attorney-In- Fact"),            # same line: printed as it is
    ("Common Stock -\nClass A", "Common Stock - Class A"),  # a lone dash is punctuation, not a wrap
    ("$-\nTotal", "$- Total"),                              # a hyphen after a non-alphanumeric: not a wrap
])
def test_join_words(text, joined):
    assert join_words(flow_tokens(text)) == joined


def test_tokens_are_on_their_source_lines():
    toks = flow_tokens("Attorney-In-\nFact")
    assert toks[0].line != toks[1].line           # the rule depends on this
