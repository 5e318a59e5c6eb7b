"""Constrained repair of OCR character confusions in a scanned filing's draft.

Tesseract reads "1O,5OO" for 10,500, "Ss" for the code S, "1229/2022" for 12/29/2022. `repair.py`
lists the readings of a cell's text that parse as the cell's type; this pass decides which, if any,
to take, and only where the form itself confirms it:

- a cell whose text did not parse (value null, text present) takes the cheapest reading that
  introduces no failing check of `validate.validate_record` (roll-forward, Box 3 vs the earliest
  transaction, code vs (A)/(D), dates in order, footnote marks that resolve). A check is *live*
  for the cell when a wrong value there would fail it; then the repair is confirmed (issue
  severity info). With no live check only a cheap reading clearly ahead of every other one is
  taken (severity warning), from one word of the cell, keeping a character and every digit as
  read, and never when the text reads better as a lone footnote mark ("3)").
- a number that breaks the holdings roll-forward is replaced by a one-edit reading of its text
  that makes the roll-forward hold, when exactly one such reading is cheapest.
- a footnote mark that resolves to no footnote ("243": Tesseract's reading of "(2)(3)", its ")("
  taken for a 4) is read as the marks it holds, when its digits split into footnotes that exist,
  in ascending order, leaving out a paren-like digit between each two. ("23" is left as read: on
  the corpus scans it was more often a footnote OCR lost than two marks run together.)

Every repair lowers the field's `fit` (so its confidence drops, see confidence.py), adds a note to
the field, and is listed in `issues` with code `ocr_repair`. Born-digital inputs never come here.
"""
from __future__ import annotations

import copy
from collections import Counter
import datetime as dt
import difflib
import statistics
from decimal import Decimal
from typing import Callable

import regex as re
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .candidate import Cand
from .column_consensus import column_consensus, column_marks, note_consensus
from .confidence import REPAIR_NOTE
from .model import Issue
from .output import leaves, record_dict
from .repair import Repair, candidates
from .values import parse
from .spelling import ABBREVIATIONS, WORD, english_words, respell
from .validate import EXERCISE, ROW_SECTIONS, TX_SECTIONS, _expected_ad, _n, exercise_pairs, validate_record
from .zip_states import MULTI_WORD_CITIES, US_STATES, ZIP_CODE, is_state_code, state_of_zip

REPAIRABLE = ("number", "money", "date", "code", "ad_code", "ownership_form", "flag")
MAX_COST = 1.5             # dearest reading a live cross-check may confirm
UNCHECKED_MAX_COST = 0.8   # dearest reading taken on its type alone
MARGIN = 0.4               # ... and how far ahead of the next reading it must be
UNPADDED_COST = 0.1        # a date reading without the form's leading zeros, as dear as this more
ROLL_MAX_COST = 1.0        # a value that parsed is changed by one edit at most this dear
_PATH = re.compile(r"^(?:(\w+)\[(\d+)\]\.)?(\w+)$")


def repair_ocr(draft: dict) -> list[Issue]:
    """Repair the draft of a scanned document in place; the `ocr_repair` issues of what changed."""
    rec = record_dict(draft)
    out: list[Issue] = []
    targets = {p: c for p, c in leaves(draft) if _is_target(p, c)}
    while targets:
        current = _keys(validate_record(rec))
        choices = {p: _choose(rec, p, c, current) for p, c in targets.items()}
        confirmed = [(p, ch) for p, ch in choices.items() if ch and ch[1]]
        unchecked = sorted(((p, ch) for p, ch in choices.items() if ch and not ch[1]), key=lambda x: x[1][0].cost)
        # confirmed repairs first: each may make a check live for another cell
        todo = confirmed or unchecked[:1]
        if not todo:
            break
        for k, (p, choice) in enumerate(todo):
            if k:                         # an earlier repair of this round may change the answer
                choice = _choose(rec, p, targets[p], _keys(validate_record(rec)))
            if choice:
                out.append(_apply(draft, rec, p, targets[p], *choice))
            targets.pop(p)
        for p in [p for p, ch in choices.items() if ch is None]:
            targets.pop(p, None)
    out += _dates_by_document(draft)
    out += _codes_by_exercise(draft, rec)
    out += _repair_roll_forward(draft, rec)
    out += _period_from_transactions(draft)
    out += _titles_without_words(draft)
    out += _state_by_zip(draft)
    out += _city_spaces(draft)
    out += _address_by_owner(draft)
    out += _care_of_issuer(draft)
    out += _shares_by_underlying(draft)
    out += _repair_marks(draft, rec)
    out += _repair_by_siblings(draft)      # before the text rules: the notes as read vote
    out += _repair_text(draft)
    out += _prices_by_range(draft)          # after the footnotes' own ranges are repaired
    out += _ranges_by_price(draft)          # ... and the prices by them
    out += _dollar_zero(draft)
    out += _prices_by_column(draft)         # after the ranges, which are surer
    out += _repair_by_column(draft)
    # again, on the titles and natures as repaired: a row whose title OCR read otherwise ("non
    # voting" for "non-voting", "See Foomote coy i}" for "See Footnote") is of no class with the
    # row before it until then
    rec = record_dict(draft)
    out += _repair_roll_forward(draft, rec)
    out += _marks_by_column(draft, rec)
    return out


# "/s/" (a conformed signature) as OCR reads it at the start of a signature or after "By:":
# "isi", "Is/", "Js!", "Js}", "s/" — a slash, bar or bracket read as a letter or punctuation, an s
# between; never a word a name starts with ("Isla", "Is" are longer or lack the closing stroke)
_SLASHLIKE = r"[/|\\iIlJj1!}{)(\[\]]"
_CONFORMED = re.compile(rf"(?:(?<=^)|(?<=\bBy:\s?))(?:{_SLASHLIKE}[sS5$]{_SLASHLIKE}|[^\s\w]?[sS]/|[^\s/][sS5$]/)(?=\s)")


# a comma OCR read as a period after a name ("/s/ Lora Blum. Attorney-in-Fact"): in a signature a
# period after a word of three letters or more, one of them lower case, stands only after an
# abbreviation or before an initial (the corpus's 485 signatures: "Inc.", "Ltd.", "Joh. A.")
_NAME_PERIOD = re.compile(r"\b([A-Za-z']*[a-z][A-Za-z']*)\.(?= (?![A-Z]\.)\S)")
# In running text (footnotes, remarks; the corpus's 1,525): a sentence's first word after a comma
# is a period read as a comma ("inclusive, The holder": ". The" 577 times, ", The" once, ", These"
# never against 272 ". These"); a period before a company's suffix is a comma ("Tesla. Inc": ", Inc"
# 479 times, ". Inc" only after "Co"); and no text ends with a comma.
SENTENCE_STARTS = ("The", "These", "This", "Each", "In", "As", "Upon", "Prior", "On", "If", "At", "He", "She",
                   "It", "They", "Accordingly", "All", "For", "Pursuant", "Such", "Any", "Following", "Immediately")
# a period after a number before a lower-case word is a comma ("to $984.340. inclusive": no text
# of the corpus's truth has one)
_NUMBER_PERIOD = re.compile(r"(?<=\d)\.(?= [a-z])")
_SENTENCE_COMMA = re.compile(rf"(?<=[a-z)]{{2}}),(?= (?:{'|'.join(SENTENCE_STARTS)})\b)")
_SUFFIX_PERIOD = re.compile(r"\b([A-Za-z']*[a-z][A-Za-z']*)\.(?= (?:Inc|Ltd|LLC|LP|L\.P\.)\b)")
_FINAL_COMMA = re.compile(r",$")
# nor has a comma after a preposition ("Beckman by, Power of Attorney": dust read as one)
_PREPOSITION_COMMA = re.compile(r"\b([Bb]y|[Ff]or|[Oo]f|[Ii]n|[Aa]s|[Tt]o|[Oo]n),(?= )")
# no signature of the 485 ends with a comma: one read there is an abbreviation's period ("Jr,") or dust
_SIGNATURE_END = re.compile(r"\b(\w+\)?),$")
# ... nor with a word of marks alone ('Devin Whatley "': a piece of the date beside it, or dust)
_SIGNATURE_DUST = re.compile(r"(?<=\S)\s+[^\w\s]+$")
# Amounts in running text: "$0,0001" and "$8,786,700,61" are no thousands grouping, so their last
# comma is a decimal point; a price range "$183,005 to $183.94" runs low to high within RANGE_SPAN
# (all 389 ranges of the corpus's footnotes do), which decides which separator was misread.
_ZERO_GROUP = re.compile(r"\$0,(?=\d)")
_SHORT_GROUP = re.compile(r"(\$\d{1,3}(?:,\d{3})*),(\d{1,2})\b(?![,.]\d)")
_RANGE = re.compile(r"\$(\d[\d,.]*\d) to \$(\d[\d,.]*\d)")
_AMOUNT = re.compile(r"^\d{1,3}(?:,\d{3})*(?:\.\d+)?$")
RANGE_SPAN = 1.5


def _comma_for_period(word: str) -> str | None:
    """The repair of a name's period (_NAME_PERIOD, _SUFFIX_PERIOD), or None where it stands."""
    return None if word.lower() in ABBREVIATIONS or sum(ch.isalpha() for ch in word) < 3 else word + ","


def _amount(text: str) -> float | None:
    return float(text.replace(",", "")) if _AMOUNT.match(text) else None


def _swapped(text: str) -> str:
    """An amount with its last separator the other one ("183,005" <-> "183.005")."""
    k = max(text.rfind(","), text.rfind("."))
    return text if k < 0 else text[:k] + ("." if text[k] == "," else ",") + text[k + 1:]


def _price_range(a: str, b: str) -> tuple[float, float] | None:
    """(low, high) of "$a to $b" when it reads as a price range: low to high within RANGE_SPAN."""
    lo, hi = _amount(a), _amount(b)
    return (lo, hi) if lo is not None and hi is not None and 0 < lo <= hi <= RANGE_SPAN * lo else None


def _fix_range(m) -> str | None:
    """A price range read with a separator swapped so that it runs low to high (RANGE_SPAN)."""
    fits = lambda a, b: _price_range(a, b) is not None
    a, b = m.group(1), m.group(2)
    if fits(a, b):
        return None
    fixes = [(x, y) for x, y in ((_swapped(a), b), (a, _swapped(b)), (_swapped(a), _swapped(b))) if fits(x, y)]
    if not fixes:
        return None
    # "$983.390 to $984,340" fits both ways: a per-share price range, the lower thousand-fold
    x, y = min(fixes, key=lambda f: _amount(f[0]))
    return f"${x} to ${y}"


# "non" is a prefix, never a word of its own (the corpus: "Non-Qualified" 12 times, "non-employee"
# 8, "Non Qualified" never): a space after it is a hyphen OCR lost
_NON_SPACE = re.compile(r"\b([Nn]on) (?=[A-Za-z])")
# a word's first letter read apart from the rest ("S ee Remarks"): a lone letter other than "a" or
# "I" before a lower-case fragment, where the two make an English word (the corpus's truth texts,
# 7,210 titles, notes and remarks, have no such pair)
_SPLIT_LETTER = re.compile(r"(?<![\w.'-])([B-HJ-Zb-z]) ([a-z]{2,})\b")
# a short abbreviation in capitals whose letters after the first OCR told by height only, and
# took for lower case ("Fund IV, Lp"): no English word, so capitals. Not o or u, which make
# names as often ("Bo", "Su", "Foo"): none of the corpus's truth records has a word of this shape
_SMALL_CAPS = re.compile(r"(?<![\p{L}'])[A-Z][cpsvwxz]{1,2}(?![\p{L}'])")

# An amount split at its decimal point or thousands comma ("$987. 140", "$998, 120"): no amount of
# the corpus's footnotes has a space in it. Joined before the range rule decides the separator.
_SPLIT_AMOUNT = re.compile(r"(\$\d[\d,.]*[.,]) (?=\d)")
# Abbreviations that always take their period (the corpus: "Mr." 107 times, "Mr " never; "No. 3"
# 16, "No 3" never); a doubled comma is a period and a comma ("Inc,," for "Inc.,")
_TITLE_NO_PERIOD = re.compile(r"\b(Mr|Mrs|Ms),?(?= [A-Z])")   # not Dr: "Keurig Dr Pepper"
_NUMBER_NO_PERIOD = re.compile(r"\bNo,?(?= \d)")
_DOUBLE_COMMA = re.compile(r"(?<=\w),,")
# Roman numerals with an I read as a bracket, a 1, an l or a "!" ("FF [V Management", "Holdings
# I! L.P.", "(it)" for "(ii)"; none of these shapes is in the corpus's footnotes)
_ROMAN_IV = re.compile(r"(?<![\w\[])[\[1l|]V(?!\w)")
_ROMAN_II = re.compile(r"(?<!\w)I!(?=\s)|(?<!\w)I[l1|](?!\w)")
# "Table I" with its I read as a bar ("limitation in Table |, this is"; no text of the corpus has one)
_TABLE_ONE = re.compile(r"(?<=\bTable )\|(?=[\s,.;:)]|$)")
# a company's "Inc." after its comma is capitalized (", Inc." 477 times in the corpus, ", inc." never),
# and a parenthesis opens one quote, not two ('(""Opco LP")')
_LOWER_INC = re.compile(r"(?<=, )inc\.")
_DOUBLE_QUOTE = re.compile(r'\(""(?=\w)')
_ROMAN_ITEM = re.compile(r"\(([iltj|!\\]{2,3})\)")   # "(it)", "(lil)", "(ji)": the corpus has "(ii)" and "(iii)" only
# an "f" read as a curly bracket ("{rom"), and "of" read "af": neither shape is in the corpus's truth
_BRACKET_F = re.compile(r"(?<![\w{])\{([a-z]+)\b")
_AF = re.compile(r"\baf\b")
# Rule 10b5-1, with its digits and letter confused ("10bS-1", "10B5-l"); the b keeps its case
_RULE_10B5 = re.compile(r"(?<![\w-])1[0O]([bB])[5S]-[1lI](?![\w-])")
_RULE_10B5_DIGIT = re.compile(r"(?<=\bRule )1[0O][56S][5S]-[1lI](?![\w-])")   # its b read as a digit ("Rule 1055-1")
# "Inc." before a lower-case word, its period read as a comma ("Tesla, Inc, or"; the corpus's one
# "Inc," stands before a capital)
_INC_COMMA = re.compile(r"\bInc,(?= [a-z])")
# no English word has a letter three times over, and the corpus's footnotes only roman numerals
# ("iii", "viii"): another letter so is one read twice ("Alll")
_TRIPLED = re.compile(r"([a-hj-uwyz])\1\1")

# "attorney-in-fact", the commonest words of a signature after the name, read a few glyphs off
# ("Attorney-In-Eact", "Attorney= in-fact", "attorney-iN-fact"). The corpus spells it with hyphens
# 199 times and with spaces 10: a separator OCR garbled is a hyphen unless the one it kept is a space
_ATTORNEY_IN_FACT = re.compile(r"(?ib)\b(?:attorney-in-fact){e<=4}(?!\w)")
_ATTORNEY_WORDS = (("attorney", "Attorney", "ATTORNEY"), ("in", "In", "IN"), ("fact", "Fact", "FACT"))


def _attorney_in_fact(m) -> str | None:
    """The repair of a garbled "attorney-in-fact" (_ATTORNEY_IN_FACT), or None where it reads right."""
    read = m.group()
    words = re.findall(r"[^\W\d_]+", read)
    seps = re.findall(r"[^\p{L}]+", read.strip())
    if len(words) == 3 and len(seps) == 2 and all(w in ok for w, ok in zip(words, _ATTORNEY_WORDS)) \
            and all(sp in ("-", " ") for sp in seps):
        return None
    if not words or words[0][0].lower() != "a" or read[-1].lower() != "t":
        return None     # anchored on its first and last letters, which OCR reads right
    clean = [sp for sp in seps if sp in ("-", " ")]
    sep = " " if clean and all(sp == " " for sp in clean) else "-"
    head = "Attorney" if words[0][0].isupper() else "attorney"
    middle = "In" if len(words) == 3 and words[1][:1] == "I" else "in"
    tail = "Fact" if words[-1][0].isupper() else "fact"
    return f"{head}{sep}{middle}{sep}{tail}"


# a function word run into "the" ("ofthe", "tothe"), "its", "their", "this" or "a" ("ofits", "inthis",
# "ona"): Tesseract loses narrow spaces in small print; none of these is a word, and none is in
# the corpus's truth records
_MERGED_THE = re.compile(r"\b(of|to|in|on|by|at|for|and|from|with|is)(the)\b"
                         r"|\b(of|in|on|or|to|for|by|at|is)(its|their|this|these|such|a)\b", re.IGNORECASE)
# a class letter run into the word after it ("Class ACommon Stock": 26 times on 24 simulated Form
# 4 scans at 200 dpi): a capital, then a capitalized word the word list has, the two together no
# word (no text of the corpus's truth has a capital glued to a capitalized word)
_GLUED_CAPITAL = re.compile(r"\b([A-Z])([A-Z][a-z]{2,})\b")
# "U.S." with its periods lost as specks ("Sequoia Capital U S Growth Fund"): 83 times in the
# corpus's truth records, "U S" never
_US_NO_PERIODS = re.compile(r"\bU S\b(?!\.)")
# a footnote of four words or more ends with its period (1,388 of the corpus's 1,430 footnotes;
# 12 end in a letter): a last word of letters had its period lost
_NO_FINAL_PERIOD = re.compile(r"(?<=(?:\S+\s){3,})([A-Za-z]*[a-z]{2})$")

RANGE_MAX_COST = 1.0      # the dearest reading a footnote's price range may confirm (_prices_by_range)
PRICE_SPREAD = 20         # a price this many times its column's median is of another magnitude ...
PRICE_NEAR = 1.5          # ... and a reading within this factor of that median is the price (_prices_by_column)
MARKS_FEW_FIT = 0.6       # marks a column's minority of the value's cells read (_marks_by_column)
PRICE_FIT = 0.7           # a price read again by its column or as "$0" (_prices_by_column, _dollar_zero)
MONEY_FIELDS = ("price_per_share", "conversion_or_exercise_price")
_DOLLAR_ZERO = re.compile(r"^[538Ss]0$")
CARE_OF_RATIO = 75        # a word of a "C/O" line this close to the issuer's is it, garbled (_care_of_issuer)
STATE_FIT = 0.7           # a state taken from its ZIP code (_state_by_zip)
DOC_DATE_FIT = 0.7        # a garbled date taken as one the filing prints elsewhere (_dates_by_document)
PERIOD_FIT = 0.6          # box 3 taken from the earliest transaction date (_period_from_transactions)

# (what, pattern, the repaired text of a match or None where the match stands)
TextRule = tuple[str, "re.Pattern", Callable[["re.Match"], "str | None"]]
# "LLC" with its last C read as a G (no text of the corpus's truth has "LLG")
LLC_RULE: TextRule = ("letter", re.compile(r"\bLLG\b"), lambda m: "LLC")
# "L.P." closing a partnership's name with its L read as a 1, I, l, bar or T, its first period
# maybe doubled ("KKR Group Partnership T..P."): after a word, ending the text or before a comma,
# semicolon or parenthesis (an initial, "T.P. Smith", has a name after it). Without its last
# period ("Antara Capital 1.P") it may as well be "LP" with a speck, and stands.
LP_RULE: TextRule = ("letter", re.compile(r"(?<=\w,? )[1Il|T]\.{1,2}P\.(?=$|[,;)])"), lambda m: "L.P.")
# "by" read "bv" ("Lora Blum, bv power of attorney"): no word, and in no text of the corpus's truth
BY_RULE: TextRule = ("letter", re.compile(r"(?<![\w.])bv(?![\w.])"), lambda m: "by")
SIGNATURE_RULES: tuple[TextRule, ...] = (
    ("conformed signature", _CONFORMED, lambda m: None if m.group(0) == "/s/" else "/s/"),
    ("comma", _NAME_PERIOD, lambda m: _comma_for_period(m.group(1))),
    ("comma", _PREPOSITION_COMMA, lambda m: m.group(1)),
    ("dust", _SIGNATURE_DUST, lambda m: ""),
    ("final comma", _SIGNATURE_END, lambda m: m.group(1) + ("." if m.group(1).lower() in ABBREVIATIONS else "")),
    ("attorney-in-fact", _ATTORNEY_IN_FACT, _attorney_in_fact),
    BY_RULE,
    LLC_RULE, LP_RULE,
)
SPLIT_LETTER: TextRule = ("space", _SPLIT_LETTER,
                          lambda m: m.group(1) + m.group(2) if (m.group(1) + m.group(2)).lower() in english_words() else None)
WORDY_RULES: tuple[TextRule, ...] = (
    SPLIT_LETTER,
    ("space", _GLUED_CAPITAL, lambda m: f"{m.group(1)} {m.group(2)}" if m.group(2).lower() in english_words()
     and m.group().lower() not in english_words() else None),
    ("period", _US_NO_PERIODS, lambda m: "U.S."),
    ("hyphen", _NON_SPACE, lambda m: m.group(1) + "-"),
    ("capitals", _SMALL_CAPS, lambda m: None if m.group().lower() in english_words() else m.group().upper()),
)
# a company's name: a period read for the comma before its suffix ("Abacus Life. Inc."; the
# corpus's names have ". Inc" only after "Co", an abbreviation, which keeps its period)
NAME_RULES: tuple[TextRule, ...] = (("comma", _SUFFIX_PERIOD, lambda m: _comma_for_period(m.group(1))), LLC_RULE,
                                    LP_RULE)
# a function word read with a capital in mid-sentence ("or any Of his", "separate price Within the",
# "Column 4 Is a"): after a word in small letters or a number, the corpus's 1,525 footnotes and
# remarks never capitalize one ("By:" of a signature block does follow one, and is not listed)
_CAPITAL_FUNCTION_WORD = re.compile(r"(?<![\w.])([a-z0-9][a-z0-9,]* )(Of|Is|Within|To|And|Or|In|On|At|For|From|With"
                                    r"|As|That|Its|Be|Are|Was|Were|An)\b")
PROSE_RULES: tuple[TextRule, ...] = (
    ("space in an amount", _SPLIT_AMOUNT, lambda m: m.group(1)),
    ("period", _TITLE_NO_PERIOD, lambda m: m.group(1) + "."),
    ("period", _NUMBER_NO_PERIOD, lambda m: "No."),
    ("period", _DOUBLE_COMMA, lambda m: ".,"),
    ("roman numeral", _ROMAN_IV, lambda m: "IV"),
    ("roman numeral", _ROMAN_II, lambda m: "II"),
    ("roman numeral", _TABLE_ONE, lambda m: "I"),
    BY_RULE,
    ("capital", _LOWER_INC, lambda m: "Inc."),
    ("quote", _DOUBLE_QUOTE, lambda m: '("'),
    ("roman numeral", _ROMAN_ITEM, lambda m: "(" + re.sub(r"[ltj|!\\]", "i", m.group(1)) + ")"),
    ("period", _INC_COMMA, lambda m: "Inc."),
    ("letter read twice", _TRIPLED, lambda m: m.group(1) * 2),
    ("f", _BRACKET_F, lambda m: "f" + m.group(1) if "f" + m.group(1) in english_words() else None),
    ("of", _AF, lambda m: "of"),
    ("rule number", _RULE_10B5, lambda m: f"10{m.group(1)}5-1"),
    ("rule number", _RULE_10B5_DIGIT, lambda m: "10b5-1"),
    ("period", _SENTENCE_COMMA, lambda m: "."),
    ("comma", _NUMBER_PERIOD, lambda m: ","),
    ("comma", _SUFFIX_PERIOD, lambda m: _comma_for_period(m.group(1))),
    ("period", _FINAL_COMMA, lambda m: "."),
    ("decimal point", _ZERO_GROUP, lambda m: "$0."),
    ("decimal point", _SHORT_GROUP, lambda m: f"{m.group(1)}.{m.group(2)}"),
    ("separator", _RANGE, _fix_range),
    ("space", _MERGED_THE, lambda m: " ".join(g for g in m.groups() if g)),
    ("small letter", _CAPITAL_FUNCTION_WORD, lambda m: m.group(1) + m.group(2).lower()),
    LLC_RULE, LP_RULE,
) + WORDY_RULES
# a street number or suite read with a digit as its look-alike letter ("SUITE S00", "1O1"): a word
# of digits and S, O, I, l that ends in a digit (a suite's own letter ends it: "SUITE 220S" stands)
_DIGITS_AS_LETTERS = re.compile(r"(?<![\w-])(?=[0-9SOIl]*[0-9])(?=[0-9SOIl]*[SOIl])[0-9SOIl]*[0-9](?![\w-])")
ADDRESS_RULES: tuple[TextRule, ...] = (
    ("digit", _DIGITS_AS_LETTERS, lambda m: m.group().translate(str.maketrans("SOIl", "5011"))),
)
FINAL_PERIOD: TextRule = ("final period", _NO_FINAL_PERIOD, lambda m: m.group(1) + ".")   # footnotes only


def text_repairs(text: str, rules: tuple[TextRule, ...]) -> tuple[str, list[tuple[str, str, str]]]:
    """`text` with the rules applied in turn, and (what, read, repaired) for each change."""
    done = []
    for what, pattern, fix in rules:
        def sub(m, what=what, fix=fix):
            fixed = fix(m)
            if fixed is None or fixed == m.group(0):
                return m.group(0)
            done.append((what, m.group(0), fixed))
            return fixed
        text = pattern.sub(sub, text)
    return text, done


# table text cells whose words are common English ("See footnote", "Stock Option"), unlike names
WORDY_CELLS = (".security_title", ".underlying_security_title", ".nature_of_ownership")
TITLE_CELLS = WORDY_CELLS[:2]
# no title of security of the corpus's truth ends with a period: one after a word (not an
# abbreviation's, "Corp.") is dust
_TITLE_END_PERIOD = re.compile(r"\b([A-Za-z]{3,})\.$")
TITLE_END: TextRule = ("final period", _TITLE_END_PERIOD,
                       lambda m: None if m.group(1).lower() in ABBREVIATIONS else m.group(1))
# a title's "Class" before its class letter with its first letters lost against the cell's left
# rule or misread ("ass B Common Stock", "Cass B"): no title of the corpus's truth starts so
TITLE_CLASS: TextRule = ("letter", re.compile(r"^(?:ass|lass|Cass|Clas|Ciass|C1ass)(?= [A-Z]\b)"), lambda m: "Class")


def _rules_for(path: str, spelling: TextRule) -> tuple[TextRule, ...]:
    if path.startswith("signatures[") and path.endswith(".name"):
        return SIGNATURE_RULES + (spelling,)
    if path.startswith("footnotes[") and path.endswith(".text"):
        return PROSE_RULES + (spelling, FINAL_PERIOD)
    if path == "remarks":
        return PROSE_RULES + (spelling,)
    if path.endswith(TITLE_CELLS):
        return (TITLE_CLASS,) + WORDY_RULES + (spelling, TITLE_END)
    if path.endswith(WORDY_CELLS):
        return WORDY_RULES + (spelling,)
    if path.startswith("reporting_owners[") and path.endswith((".street1", ".street2")):
        return ADDRESS_RULES
    if path.startswith("reporting_owners[") and path.endswith(".officer_title"):
        return (SPLIT_LETTER,)
    if path == "issuer.name" or (path.startswith("reporting_owners[") and path.endswith(".name")):
        return NAME_RULES
    return ()


def _repair_text(draft: dict) -> list[Issue]:
    """Signature names and running text repaired by the rules above (SIGNATURE_RULES: a garbled
    "/s/", filings being signed electronically "/s/ Name", and a name's comma; PROSE_RULES) and
    misread words of running text and table text cells respelled (spelling.py: "foomote" ->
    "footnote"); the value's fit drops as for any repair, and each change is an issue."""
    out = []
    found = list(leaves(draft))
    seen = Counter(m.group().lower() for _p, c in found if isinstance(c.value, str) for m in WORD.finditer(c.value))
    spelling: TextRule = ("misread word", WORD, lambda m: respell(m.group(), seen))
    for path, c in found:
        rules = _rules_for(path, spelling)
        if not rules or not isinstance(c.value, str):
            continue
        fixed, done = text_repairs(c.value, rules)
        if not done:
            continue
        c.value = fixed
        for what, read, repaired in done:
            how = f"{read!r} -> {repaired!r}"
            out.append(_repaired(c, path, how, f"{what} read as {how}"))
    return out


LOST_NOTES = 2             # footnotes at the end of the sequence OCR may have lost entirely
PAREN_DIGITS = "147"        # what Tesseract reads a parenthesis between two marks as
OPENING_DIGITS = "4"        # ... and an opening one, before the first mark ("41", "44": the corpus scans)
SKIP_FIT = 0.4              # marks split with a digit taken for a parenthesis ("43" -> (3): it was (1))


def _repaired(c: Cand, path: str, how: str, message: str, fit: float = 0.8, severity: str = "warning") -> Issue:
    """Mark `c` (its value already set) as repaired: its fit drops to at most `fit`, a note says
    `how`, and the issue for it says `message`."""
    c.fit = min(c.fit, fit)
    c.notes.append(f"{REPAIR_NOTE}{how}")
    return Issue(code="ocr_repair", severity=severity, path=path, related=[path], message=message)


def _codes_by_exercise(draft: dict, rec: dict) -> list[Issue]:
    """A code misread on one of the two rows of an exercise or conversion told on both tables
    (validate.exercise_pairs: the same code on both in every pair of the corpus): where one row
    reads an exercise code (C, M, X, O) and the other a code of another kind or none ("C" read as
    "G", "O" or "S"), the other row takes it. Two exercise codes that differ are left as read."""
    out = []
    rows = (draft.get("non_derivative_transactions", []), draft.get("derivative_transactions", []))
    for i, j in exercise_pairs(rec):
        cells = [(f"non_derivative_transactions[{i}].transaction_code", rows[0][i].get("transaction_code")),
                 (f"derivative_transactions[{j}].transaction_code", rows[1][j].get("transaction_code"))]
        if any(c is None for _p, c in cells):
            continue
        sure = [c.value for _p, c in cells if c.value in EXERCISE]
        for path, c in cells:
            if len(sure) == 1 and c.value not in EXERCISE:
                was, c.value = c.value, sure[0]
                out.append(_repaired(c, path, f"{was!r} -> {c.value!r}",
                                     f"code read as {was!r}; the other table's row of the same exercise "
                                     f"or conversion reads {c.value}"))
    return out


def _shares_by_underlying(draft: dict) -> list[Issue]:
    """A derivative row's shares and its underlying shares are the same number in most filings
    (220 of the corpus's 270 rows with both): where they differ and the one's separator read the
    other way ("2.300" for "2,300") makes them equal, that is the misreading; and where the one is
    the other less a digit before its last ("69" beside "569"), OCR lost that digit (a mark read
    glued adds one at the end, so a last digit more or less is left as read: validate.py flags it)."""
    out = []
    for i, row in enumerate(draft.get("derivative_transactions", [])):
        pair = [row.get("shares"), row.get("underlying_security_shares")]
        if any(c is None or c.value is None for c in pair) or Decimal(str(pair[0].value)) == Decimal(str(pair[1].value)):
            continue
        for c, other, field in ((pair[0], pair[1], "shares"), (pair[1], pair[0], "underlying_security_shares")):
            swapped = parse("number", _swapped(c.text.strip()))
            path = f"derivative_transactions[{i}].{field}"
            if c.text and swapped.value is not None and swapped.value == Decimal(str(other.value)):
                was, c.value = c.text, swapped.value
                out.append(_repaired(c, path, f"separator: {was!r} -> {c.value}",
                                     f"{was!r} read as {c.value}: the row's other share count confirms it",
                                     severity="info"))
                break
            if c.text and _digit_lost_inside(c.value, other.value):
                was, c.value = c.text, Decimal(str(other.value))
                out.append(_repaired(c, path, f"a digit lost: {was!r} -> {c.value}",
                                     f"{was!r} read as {c.value}: a digit lost, which the row's other share "
                                     "count has", severity="info"))
                break
    return out


def _digit_lost_inside(read, other) -> bool:
    """`read` is `other` less one of its digits, not its last (both whole numbers; not a tenth of
    it, a conversion ratio's: validate._a_digit_apart)."""
    a, b = _n(read), _n(other)
    if a is None or b is None or a != a.to_integral_value() or b != b.to_integral_value() or b == 10 * a:
        return False
    return _digit_lost(str(int(a)), str(int(b)), last=False) is not None


def _digit_lost(read: str, whole: str, last: bool = True) -> str | None:
    """The digit `whole` loses to read as `read` (or its last digit too when `last`), else None
    (a lost point or sign is no lost digit)."""
    if len(whole) != len(read) + 1:
        return None
    return next((whole[k] for k in range(len(whole) - (0 if last else 1))
                 if whole[k].isdigit() and whole[:k] + whole[k + 1:] == read), None)


def _prices_by_range(draft: dict) -> list[Issue]:
    """A weighted average price lies in the range its footnote gives ("sold in multiple
    transactions at prices ranging from $4.40 to $4.55"): a price outside it that one cheap
    reading (RANGE_MAX_COST) puts inside was misread ("447" for "4.47")."""
    notes = {str(n["id"].value): n["text"].value or "" for n in draft.get("footnotes", []) if n.get("id")}
    out = []
    for sec in TX_SECTIONS:
        for i, row in enumerate(draft.get(sec, [])):
            c = row.get("price_per_share")
            marks = row.get("footnote_ids", {}).get("price_per_share")
            if c is None or c.value is None or not c.text.strip() or marks is None:
                continue
            # each end as read and with its separator the other way: "$989,520 to $990,060" is a
            # range of hundreds as much as of hundred-thousands, and the price as read decides
            ranges = [r for m in marks.value or [] for a, b in _RANGE.findall(notes.get(str(m), ""))
                      for x, y in ((a, b), (_swapped(a), _swapped(b))) if (r := _price_range(x, y))]
            if not ranges or any(lo <= float(c.value) <= hi for lo, hi in ranges):
                continue
            inside = {r.value for r in candidates(c.text, c.kind or "money", max_cost=RANGE_MAX_COST, limit=24)
                      if any(lo <= float(r.value) <= hi for lo, hi in ranges)}
            if len(inside) != 1:
                continue
            path = f"{sec}[{i}].price_per_share"
            was, c.value = c.text, inside.pop()
            out.append(_repaired(c, path, f"{was!r} -> {c.value} (the footnote's price range)",
                                 f"{was!r} read as {c.value}: the price range of its footnote confirms it",
                                 fit=0.9, severity="info"))
    return out


def _ranges_by_price(draft: dict) -> list[Issue]:
    """A footnote's price range read with both separators the other way ("$184,025 to $184,045"
    for a weighted average price of $184.03): the price of a row that cites the note lies in the
    range as swapped and not as read, so the note's range is swapped (after _prices_by_range,
    which has put the prices right by the same ranges read either way)."""
    prices: dict[str, list[float]] = {}
    for sec in TX_SECTIONS:
        for row in draft.get(sec, []):
            c, marks = row.get("price_per_share"), row.get("footnote_ids", {}).get("price_per_share")
            if c is not None and c.value is not None and marks is not None:
                for m in marks.value or []:
                    prices.setdefault(str(m), []).append(float(c.value))
    out = []
    for k, note in enumerate(draft.get("footnotes", [])):
        fid, c = str(note["id"].value) if note.get("id") else None, note.get("text")
        if c is None or not isinstance(c.value, str) or fid not in prices:
            continue

        def swap(m, cited=prices[fid]):
            a, b = m.group(1), m.group(2)
            if "." in a[-4:] + b[-4:]:
                return m.group(0)       # only a comma is read for a decimal point: a price read
                                        # with one digit lost would send "$998.120" the other way
            read, swapped = _price_range(a, b), _price_range(_swapped(a), _swapped(b))
            inside = lambda r: r is not None and any(r[0] <= p <= r[1] for p in cited)
            return f"${_swapped(a)} to ${_swapped(b)}" if inside(swapped) and not inside(read) else m.group(0)
        fixed = _RANGE.sub(swap, c.value)
        if fixed != c.value:
            c.value = fixed
            out.append(_repaired(c, f"footnotes[{k}].text", "price range separators as its rows' prices read",
                                 f"footnote {fid}'s price range read with its separators swapped: "
                                 f"the prices of the rows citing it lie in the range only the other way"))
    return out


def _prices_by_column(draft: dict) -> list[Issue]:
    """The prices of one table's rows are of one magnitude (a day's sales, an option's grants):
    a price PRICE_SPREAD times the median of the others (at least two) that one cheap reading
    (RANGE_MAX_COST: a decimal point lost, a separator the other way) brings within a factor
    PRICE_NEAR of that median was misread ("$241" among $2.40-$2.46)."""
    out = []
    for sec in TX_SECTIONS:
        priced = [(i, c) for i, row in enumerate(draft.get(sec, [])) if (c := row.get("price_per_share")) is not None
                  and c.value is not None and float(c.value) > 0 and c.text.strip()]
        for i, c in priced:
            others = [float(o.value) for j, o in priced if j != i]
            if len(others) < 2:
                continue
            middle = statistics.median(others)
            if float(c.value) < PRICE_SPREAD * middle:
                continue
            near = [r for r in candidates(c.text, c.kind or "money", max_cost=RANGE_MAX_COST, limit=24)
                    if r.cost > 0 and middle / PRICE_NEAR <= float(r.value) <= middle * PRICE_NEAR]
            cheapest = [r for r in near if r.cost == min((x.cost for x in near), default=0)]
            if len(cheapest) != 1:
                continue
            path = f"{sec}[{i}].price_per_share"
            was, c.value = c.text, cheapest[0].value
            out.append(_repaired(c, path, f"{was!r} -> {c.value} (the column's other prices)",
                                 f"{was!r} read as {c.value}, of the magnitude of the table's other prices",
                                 fit=PRICE_FIT))
    return out


def _dollar_zero(draft: dict) -> list[Issue]:
    """A price printed "$0" that OCR read "50" or "30": the dollar sign taken for a digit. Every
    money value is printed with its "$"; a two-glyph reading without one, a $-like digit before a
    0, is that zero (the corpus's scans: each of the 8 such readings)."""
    out = []
    for sec in ROW_SECTIONS:
        for i, row in enumerate(draft.get(sec, [])):
            for field in MONEY_FIELDS:
                c = row.get(field)
                if c is None or not _DOLLAR_ZERO.match(c.text.strip()):
                    continue
                was, c.value = c.text, parse("money", "$0").value
                out.append(_repaired(c, f"{sec}[{i}].{field}", f"{was!r} -> $0",
                                     f"{was!r} read as $0: its dollar sign taken for a digit", fit=PRICE_FIT))
    return out


def _titles_without_words(draft: dict) -> list[Issue]:
    """An officer title none of whose words is a word ("ri oR": dust by the title line, or the
    remains of its caption) is no title: every title of the corpus's truth has a word of three
    letters or more, or an abbreviation in capitals ("GC", "VP")."""
    out = []
    for i, owner in enumerate(draft.get("reporting_owners", [])):
        c = owner.get("officer_title")
        if c is None or not isinstance(c.value, str) or not c.value:
            continue
        letters = [re.sub(r"[^A-Za-z]", "", w) for w in c.value.split()]
        if any(len(w) >= 3 or (len(w) == 2 and w.isupper()) for w in letters):
            continue
        read, c.value = c.value, None
        out.append(_repaired(c, f"reporting_owners[{i}].officer_title", f"{read!r} dropped",
                             f"officer title read as {read!r}, which has no word", fit=0.5))
    return out


def _period_from_transactions(draft: dict) -> list[Issue]:
    """A Form 4's box 3 is the date of its earliest transaction: when the scan's box 3 is
    unreadable, that date stands in, at a fit of PERIOD_FIT, and says so. Where the transactions
    bear one date, box 3 has it in 182 of the corpus's 184 filings; where they bear several, in 26
    of 32 only, so there the stand-in is an error to review, not a warning."""
    c = draft["period_of_report"]
    if c.value is not None or not str(draft["document_type"].value or "").startswith("4"):
        return []
    dates = [r["transaction_date"].value for sec in TX_SECTIONS
             for r in draft.get(sec, []) if "transaction_date" in r and r["transaction_date"].value]
    if not dates:
        return []
    was = c.text
    c.value = min(dates)
    several = len(set(dates)) > 1
    return [_repaired(c, "period_of_report", f"box 3 unreadable ({was!r}): the earliest transaction date",
                      f"box 3 read as {was!r}; taken as the earliest transaction date, {c.value}"
                      + (f", of {len(set(dates))} dates" if several else ""),
                      fit=PERIOD_FIT, severity="error" if several else "warning")]


def _dates_by_document(draft: dict) -> list[Issue]:
    """A date read past any reading ("02772023", "92/01/2023": a slash read as a digit, a digit
    as another) that is one digit from exactly one date the filing prints and OCR read whole
    elsewhere is that date: a filing's dates repeat (box 3 is its earliest transaction date, a
    conversion is dated alike on both tables, a grant's rows share their dates). Its digits are
    compared with the other's MMDDYYYY, at a fit of DOC_DATE_FIT."""
    dates = [(p, c) for p, c in leaves(draft) if c.kind == "date"]
    known: dict[str, str] = {}
    for _p, c in dates:
        if c.value and not any(n.startswith(REPAIR_NOTE) for n in c.notes):
            y, m, d = str(c.value).split("-")
            known[m + d + y] = str(c.value)
    out = []
    for p, c in dates:
        digits = re.sub(r"[/\s]", "", c.text or "")
        if c.value is not None or not digits.isdigit() or not 7 <= len(digits) <= 9:
            continue
        near = {v for k, v in known.items() if Levenshtein.distance(digits, k, score_cutoff=1) <= 1}
        if len(near) != 1:
            continue
        c.value, c.fit = near.pop(), DOC_DATE_FIT        # (an unparsed cell's fit is 0)
        out.append(_repaired(c, p, f"{c.text!r}: one digit from {c.value}, which the filing prints elsewhere",
                             f"date read as {c.text!r}; taken as {c.value}, printed elsewhere in the filing, "
                             f"one digit away", fit=DOC_DATE_FIT))
    return out


def _state_by_zip(draft: dict) -> list[Issue]:
    """An owner's state read as no code EDGAR has ("OE" or "ses" for "CA") beside a ZIP code that
    reads whole, or as a US state beside a Canadian postal code: the state (or province) the code
    belongs to (zip_states.py), at a fit of STATE_FIT. EDGAR's codes for other countries hold a
    digit ("2M", "X0"), so a code of letters is a state's; a foreign code whose digit OCR read as
    a letter is the risk the lowered fit owns."""
    out = []
    for i, owner in enumerate(draft.get("reporting_owners", [])):
        state, zc = owner.get("state"), owner.get("zip_code")
        if state is None or zc is None or not isinstance(zc.value, str) or not isinstance(state.value, str):
            continue
        read = state.value
        by_zip = state_of_zip(zc.value)
        # a code EDGAR has stands, unless it is a US state's beside a Canadian postal code ("Al"
        # read for A1, British Columbia, beside "V5Y 0A1")
        if by_zip is None or by_zip == read or (is_state_code(read) and (read not in US_STATES or by_zip in US_STATES)):
            continue
        state.value = by_zip
        path = f"reporting_owners[{i}].state"
        out.append(_repaired(state, path, f"{read!r} -> {by_zip!r}",
                             f"state read as {read!r}, no state; ZIP {zc.value} is {by_zip}'s", fit=STATE_FIT))
    return out


def _city_spaces(draft: dict) -> list[Issue]:
    """A city of two words or more read run together ("NEWYORK", "BOCARATON"): small print loses
    narrow spaces; the city is one of zip_states.MULTI_WORD_CITIES with its spaces lost."""
    out = []
    for i, owner in enumerate(draft.get("reporting_owners", [])):
        c = owner.get("city")
        if c is None or not isinstance(c.value, str) or " " in c.value or (city := _RUN_TOGETHER.get(c.value.upper())) is None:
            continue
        read, c.value = c.value, city if c.value.isupper() else city.title()
        out.append(_repaired(c, f"reporting_owners[{i}].city", f"{read!r} -> {c.value!r}",
                             f"city read as {read!r}: {c.value} with its spaces lost"))
    return out


_RUN_TOGETHER = {c.replace(" ", ""): c for c in MULTI_WORD_CITIES}


def _address_by_owner(draft: dict) -> list[Issue]:
    """An owner's state or ZIP code that reads as none ("OE", "940 2") beside the same street and
    city as another owner of the filing (joint filers often share an office) whose state and ZIP
    do read: that owner's, at a fit of STATE_FIT."""
    owners = draft.get("reporting_owners", [])
    key = lambda o: tuple(" ".join(str(o[f].value or "").split()).upper() for f in ("street1", "street2", "city")
                          if f in o)
    good = lambda o: (isinstance(o.get("state") and o["state"].value, str) and o["state"].value in US_STATES
                      and isinstance(o.get("zip_code") and o["zip_code"].value, str) and bool(ZIP_CODE.match(o["zip_code"].value)))
    out = []
    for i, owner in enumerate(owners):
        if good(owner) or not any(key(owner)) or "state" not in owner or "zip_code" not in owner:
            continue
        twin = next((o for o in owners if o is not owner and good(o) and key(o) == key(owner)), None)
        if twin is None:
            continue
        for field in ("state", "zip_code"):
            c, right = owner[field], twin[field].value
            if c.value == right:
                continue
            was, c.value = c.value, right
            path = f"reporting_owners[{i}].{field}"
            out.append(_repaired(c, path, f"{was!r} -> {right!r}",
                                 f"{field.replace('_', ' ')} read as {was!r}; another owner at the same address has {right!r}",
                                 fit=STATE_FIT))
    return out


def _care_of_issuer(draft: dict) -> list[Issue]:
    """A street line "C/O <the issuer>" (89 of the corpus's 208 "C/O" lines) read with a word of
    the issuer's name garbled ("C/O SNOWELAKE INC." beside the issuer "Snowflake Inc."): each
    word pairs with the issuer's, and one close to its pair (CARE_OF_RATIO) that is no English
    word takes the pair's letters, in the line's case; the line's punctuation stays."""
    issuer = draft.get("issuer", {}).get("name")
    if issuer is None or not isinstance(issuer.value, str):
        return []
    theirs = [w for w in re.sub(r"[^\w\s&]", " ", issuer.value).split()]
    out = []
    for i, owner in enumerate(draft.get("reporting_owners", [])):
        for field in ("street1", "street2"):
            c = owner.get(field)
            if c is None or not isinstance(c.value, str) or not c.value.upper().startswith("C/O "):
                continue
            head, words = c.value[:4], c.value[4:].split(" ")
            core = [re.sub(r"[^\w&]", "", w) for w in words]
            if len(core) != len(theirs) or not all(core):
                continue
            fixed = list(words)
            for k, (mine, other) in enumerate(zip(core, theirs)):
                if mine.upper() == other.upper():
                    continue
                if mine.lower() in english_words() or fuzz.ratio(mine.upper(), other.upper()) < CARE_OF_RATIO:
                    fixed = None
                    break
                fixed[k] = words[k].replace(mine, other.upper() if mine.isupper() else other)
            if fixed is None or fixed == words:
                continue
            was, c.value = c.value, head + " ".join(fixed)
            out.append(_repaired(c, f"reporting_owners[{i}].{field}", f"{was!r} -> {c.value!r}",
                                 f"{was!r} read as {c.value!r}: the issuer's name"))
    return out


def _repair_by_column(draft: dict) -> list[Issue]:
    """Table text cells that take the text other cells of their column read alike
    (column_consensus.py); the fit drops as for any repair, and each change is an issue."""
    out = []
    for path, c, read, text in column_consensus(draft):
        c.value = text
        how = f"{read!r} -> {text!r}"
        out.append(_repaired(c, path, how, f"text read as {how}, as other cells of the column read"))
    return out


def _repair_by_siblings(draft: dict) -> list[Issue]:
    """Footnotes whose boilerplate words take the reading of their sibling notes
    (column_consensus.note_consensus); the fit drops as for any repair, and each change is an issue."""
    out = []
    for path, c, read, text in note_consensus(draft):
        c.value = text
        out.append(_repaired(c, path, "words as sibling notes read them",
                             f"footnote words read as {read!r}, where other notes read {text!r}"))
    return out


def _marks_by_column(draft: dict, rec: dict) -> list[Issue]:
    """Footnote marks a cell lacks that its column's other cells of the same value (or empty too)
    carry (column_consensus.column_marks); the marks' fit drops, and each addition is an issue."""
    out = []
    for path, c, marks, share in column_marks(draft):
        _add_marks(draft, rec, path, c, marks)
        row, field = _slot(draft, path)
        mc = row["footnote_ids"][field]
        # the marks most of the value's cells read, or a run fewer read whole while the others
        # read it in pieces ("(1)(2)(4)", "(1)(4)", "(2)(4)" of a filed "(1)(2)(3)(4)")
        mc.fit = min(mc.fit, 0.8 if share > 0.5 else MARKS_FEW_FIT)
        same = "empty" if c.value is None else repr(c.value)
        mc.notes.append(f"{REPAIR_NOTE}marks {', '.join(marks)} as the column's other {same} cells")
        out.append(Issue(code="ocr_repair", severity="warning", path=f"{path.rsplit('.', 1)[0]}.footnote_ids.{field}",
                         related=[path], message=f"footnote {', '.join(marks)} not read; the column's other "
                                                 f"{same} cells carry it"))
    return out


def split_marks(text: str, known: set[str]) -> list[str] | None:
    """The footnote ids a misread run of marks holds: `text`'s digits as ids of `known`, ascending,
    skipping the fewest paren-like digits. None when no split (or more than one best) exists."""
    best: dict[int, list[tuple[int, list[str]]]] = {0: [(0, [])]}
    for i in range(len(text)):
        for skips, ids in best.get(i, []):
            # a parenthesis read as a digit: between two marks, or opening the first ("41" for "(1)")
            if text[i] in (PAREN_DIGITS if ids else OPENING_DIGITS) and i < len(text) - 1:
                best.setdefault(i + 1, []).append((skips + 1, ids))
            for j in range(i + 1, min(len(text), i + 3) + 1):
                fid = text[i:j]
                if fid in known and fid[0] != "0" and (not ids or int(fid) > int(ids[-1])):
                    best.setdefault(j, []).append((skips, ids + [fid]))
    ends = best.get(len(text), [])
    if not ends:
        return None
    low = min(k for k, _ in ends)
    found = {tuple(ids) for k, ids in ends if k == low}
    return list(found.pop()) if len(found) == 1 else None


def _repair_marks(draft: dict, rec: dict) -> list[Issue]:
    known = {str(f.get("id")) for f in rec.get("footnotes") or []}
    top = max((int(k) for k in known if k.isdigit()), default=0)
    out = []
    for path, c in leaves(draft):
        if ".footnote_ids." not in path or not c.value:
            continue
        fixed, changed, fixed_from = [], [], list(c.value)
        for fid in c.value:
            ids = None if fid in known else split_marks(fid, known)
            # without a parenthesis read between them, two marks run together ("23") read just as
            # well as the mark of a footnote OCR lost (on the corpus scans, more often so): kept
            # (but not past the end of the footnotes read: notes are numbered 1..n without gaps)
            if ids and "".join(ids) == fid and int(fid) <= top + LOST_NOTES:
                ids = None
            fixed += ids or [fid]
            if ids:
                changed.append(f"({fid}) -> {''.join(f'({i})' for i in ids)}")
        if not changed:
            continue
        c.value = sorted(set(fixed), key=int)
        # a digit taken for a parenthesis is a guess the resolving footnote only half confirms
        # (counted before a repeated id is merged: "(1)(12)" -> (1)(2) skips none)
        skipped = len("".join(fixed)) < len("".join(str(v) for v in fixed_from))
        c.fit = min(c.fit, SKIP_FIT if skipped else 0.8)
        c.notes.append(f"{REPAIR_NOTE}{', '.join(changed)}")
        row, field = _slot(rec, path.replace(".footnote_ids.", "."))
        row.setdefault("footnote_ids", {})[field] = list(c.value)
        out.append(Issue(code="ocr_repair", severity="info", path=path, related=[path],
                         message=f"marks read as {', '.join(changed)}; each resolves to a footnote"))
    return out


def _is_target(path: str, c: Cand) -> bool:
    return (c.value is None and bool(c.text.strip()) and c.kind in REPAIRABLE and ".footnote_ids." not in path
            and path != "document_type" and _PATH.match(path) is not None)


def _choose(rec: dict, path: str, c: Cand, current: set) -> tuple[Repair, bool] | None:
    """The reading of an unparsed cell to take and whether a live check confirms it, else None."""
    cost = lambda r: r.cost + (UNPADDED_COST if c.kind == "date" and not _PADDED_DATE.match(r.text) else 0.0)
    found = sorted((r for r in candidates(c.text, c.kind, max_cost=MAX_COST, limit=24)
                    if not r.marks or "[" in path), key=cost)       # marks are kept for table cells only
    if not found:
        return None
    mark = candidates(c.text, "mark", max_cost=MAX_COST, limit=1)
    if mark and mark[0].cost <= found[0].cost:
        return None                       # a footnote mark alone in the cell, not a value
    live = any(_new(rec, path, v, (), current) for v in _sentinels(c.kind, found[0].value))
    if live:
        ok = [r for r in found if not _new(rec, path, r.value, r.marks, current) and _checked(path, c.kind, r.value)]
        if not ok or (len(ok) > 1 and cost(ok[1]) <= cost(ok[0]) + 1e-9):
            return None                   # nothing fits, or two readings fit equally well
        # a code read out of letters ("pe" -> E, dropping the p): the (A)/(D) beside it rules out
        # the codes of the other side only, not the others of its own ("J" was filed)
        return ok[0], not (c.kind == "code" and any(_DROPPED_LETTER.match(e) for e in ok[0].edits))
    best = found[0]
    runner_up = next((cost(r) for r in found[1:] if str(r.value) != str(best.value)), None)
    unsure = best.cost > UNCHECKED_MAX_COST or (runner_up is not None and runner_up < cost(best) + MARGIN)
    if unsure and not _slashes_lost(c, best):
        return None
    if not _one_word(c.text, c.kind, best) or not _keeps_what_was_read(c.text, c.kind, best):
        return None
    if _new(rec, path, best.value, best.marks, current):
        return None
    return best, False


def _slashes_lost(c: Cand, best: Repair) -> bool:
    """Eight digits where a date stands are MMDDYYYY with both slashes lost: no other reading
    keeps every digit in the form's padded shape."""
    return c.kind == "date" and _EIGHT_DIGITS.match(c.text.strip()) is not None and bool(_PADDED_DATE.match(best.text))


_DROPPED_LETTER = re.compile(r"^dropped '[A-Za-z]'$")
# the form prints its dates MM/DD/YYYY with leading zeros: "12122025" with its slashes lost is
# 12/12/2025 before 12/2/2025 with a "1" taken for a slash (OCR may still have lost a leading
# zero: "2012023" is 02/01/2023)
_PADDED_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}(?:\(|$)")
_EIGHT_DIGITS = re.compile(r"^\d{8}$")


def _checked(path: str, kind: str, value) -> bool:
    """A transaction code is confirmed by the (A)/(D) of its row only when the code has a usual
    pairing: "E" in Table I passes the check by not being subject to it."""
    if kind != "code":
        return True
    sec = _PATH.match(path).group(1)
    return bool(sec) and _expected_ad(value, sec) is not None


def _one_word(text: str, kind: str, best: Repair) -> bool:
    """Unconfirmed, a reading must come from one of the cell's words (the others dropped as specks):
    OCR splits words at real gaps, so "4.875 i" is 4.875 and a speck, not 4.8751."""
    words = text.split()
    if len(words) < 2:
        return True
    return any(str(r.value) == str(best.value) for w in words for r in candidates(w, kind, max_cost=MAX_COST, limit=1))


def _keeps_what_was_read(text: str, kind: str, best: Repair) -> bool:
    """Unconfirmed, a reading must keep some letter or digit as OCR read it, in any case ("s@" is S;
    "o" alone is a speck as likely as a 0), and a number or date must keep every digit read (a dropped digit changes it)."""
    blocks = difflib.SequenceMatcher(None, text.upper(), best.text.upper(), autojunk=False).get_matching_blocks()
    kept = sum(ch.isalnum() for b in blocks for ch in text[b.a:b.a + b.size])
    if kept == 0:
        return False
    digits = sum(ch.isdigit() for ch in text)
    return kind not in ("number", "money", "date") or sum(ch.isdigit() for ch in best.text) >= digits


def _repair_roll_forward(draft: dict, rec: dict) -> list[Issue]:
    """Numbers that break the holdings roll-forward: the one cheapest one-edit reading of one of
    the three implicated cells that makes it hold (and fails nothing else) is taken."""
    out: list[Issue] = []
    cands = dict(leaves(draft))
    done: set[str] = set()
    while True:
        issues = validate_record(rec)
        current = _keys(issues)
        fixes = []
        for i in issues:
            if i.code != "holding_roll_forward":
                continue
            options = []
            needs = _roll_needs(rec, i)
            for p in i.related:
                c = cands.get(p)
                # a cell repaired once is not read again (a row's balance is also the next row's
                # previous one: a repaired amount above it leaves the next row's check open)
                if p in done or c is None or c.value is None or not c.text.strip() or c.kind not in ("number", "money"):
                    continue
                for r in candidates(c.text, c.kind, max_cost=ROLL_MAX_COST, limit=24) + _lost_digit_readings(c, p, needs.get(p)):
                    if len(r.edits) != 1 or r.marks or str(r.value) == str(c.value):
                        continue
                    after = _trial(rec, p, r.value, ())
                    if _key(i) not in after and not (after - current):
                        options.append((r.cost, p, r))
            options.sort(key=lambda o: o[0])
            if options and (len(options) == 1 or options[1][0] > options[0][0] + 1e-9):
                fixes.append((i, options[0]))
        if not fixes:
            return out
        i, (_, p, r) = fixes[0]
        out.append(_apply(draft, rec, p, cands[p], r, True, "makes the holdings roll-forward hold"))
        done.add(p)


def _roll_needs(rec: dict, issue: Issue) -> dict[str, Decimal]:
    """For each cell of a broken roll-forward (balance, amount, previous balance), the value it
    would need for the check to hold, the other two as read."""
    now_p, amt_p, prev_p = issue.related
    (now_row, now_f), (_, amt_f), (prev_row, prev_f) = (_slot(rec, x) for x in issue.related)
    now, amt, prev = (_n(v) for v in (now_row[now_f], now_row[amt_f], prev_row[prev_f]))
    sign = 1 if now_row.get("acquired_disposed_code") == "A" else -1
    if None in (now, amt, prev):
        return {}
    return {now_p: prev + sign * amt, amt_p: sign * (now - prev), prev_p: now - sign * amt}


def _lost_digit_readings(c: Cand, path: str, needed: Decimal | None) -> list[Repair]:
    """The balance the roll-forward needs, when the cell reads it with one digit fewer ("23,717"
    for 233,717: OCR lost a digit of a long number, a narrow "1" or one of a pair of like
    digits); as dear as the dearest one-edit confusion the roll-forward may confirm. Only a
    balance: the previous balance anchors it, where an amount is free (of the corpus's 85
    roll-forwards that filers broke, the one an added digit would mend is an amount as filed:
    rsecbuy-0210's 20,000)."""
    read = _n(c.value)
    if not path.endswith(".shares_owned_following_transaction") or read is None or needed is None or needed <= 0:
        return []
    want = format(needed, "f")
    lost = _digit_lost(format(read, "f"), want)
    return [Repair(want, needed, (), ROLL_MAX_COST, (f"a digit {lost} lost",))] if lost else []


# ---------------------------------------------------------------------------- trials on the record
def _key(i: Issue) -> tuple:
    return i.code, tuple(i.related)


def _keys(issues: list[Issue]) -> set:
    return {_key(i) for i in issues}


def _slot(obj: dict, path: str) -> tuple[dict, str]:
    sec, idx, field = _PATH.match(path).groups()
    return (obj[sec][int(idx)] if sec else obj), field


def _trial(rec: dict, path: str, value, marks: tuple[str, ...]) -> set:
    """The issues of the record with `value` (and its glued footnote marks) at `path`; the record
    is put back as it was."""
    row, field = _slot(rec, path)
    old, old_ids = row[field], copy.deepcopy(row.get("footnote_ids"))
    row[field] = value
    if marks:
        ids = row.setdefault("footnote_ids", {}).setdefault(field, [])
        ids.extend(m for m in marks if m not in ids)
    try:
        return _keys(validate_record(rec))
    finally:
        row[field] = old
        if marks:
            row["footnote_ids"] = old_ids
        if old_ids is None:
            row.pop("footnote_ids", None)


def _new(rec: dict, path: str, value, marks: tuple[str, ...], current: set) -> set:
    return _trial(rec, path, value, marks) - current


def _sentinels(kind: str, value) -> list:
    """Wrong values of the kind: a check that fails on one of them is live for the cell."""
    if kind in ("number", "money") and isinstance(value, Decimal):
        return [value + 1000]
    if kind == "date" and isinstance(value, str):
        d = dt.date.fromisoformat(value)
        # a day off: only a date pinned by a check (Box 3 = the earliest transaction, ...) is confirmed;
        # the one-sided checks (signed after the trade) pass most wrong dates too
        return [(d + dt.timedelta(days=k)).isoformat() for k in (-1, 1)]
    if kind == "code":
        return [v for v in "PS" if v != value]
    if kind in ("ad_code", "ownership_form"):
        return [v for v in ("AD" if kind == "ad_code" else "DI") if v != value]
    return []


# ---------------------------------------------------------------------------- applying a repair
def _apply(draft: dict, rec: dict, path: str, c: Cand, r: Repair, live: bool, check: str = "") -> Issue:
    """Put the reading in the draft (and the record the checks run on), lower the field's fit, say so."""
    was = c.text
    c.value = r.value
    # the dearer the reading and the weaker its confirmation, the less sure the field
    c.fit = round(max(0.2, 1.0 - 0.1 * r.cost if live else 0.8 - 0.25 * r.cost), 3)
    how = ", ".join(r.edits)
    c.notes.append(f"{REPAIR_NOTE}{how}")
    row, field = _slot(rec, path)
    row[field] = r.value
    if r.marks:
        _add_marks(draft, rec, path, c, r.marks)
    shown = r.text if r.text else str(r.value)
    check = check or ("confirmed by the form's cross-checks" if live else "no cross-check confirms it")
    return Issue(code="ocr_repair", severity="info" if live else "warning", path=path,
                 message=f"{was!r} read as {shown} ({how}); {check}", related=[path])


def _add_marks(draft: dict, rec: dict, path: str, c: Cand, marks: tuple[str, ...]) -> None:
    drow, field = _slot(draft, path)
    rrow, _ = _slot(rec, path)
    fids = drow.setdefault("footnote_ids", {})
    mc = fids.get(field)
    if mc is None:
        mc = fids[field] = Cand([], list(c.toks), c.text, label=c.label, position=c.position, kind="marks",
                                fit=c.fit, notes=list(c.notes))
    mc.value = sorted(set(mc.value or []) | set(marks), key=int)
    rrow.setdefault("footnote_ids", {})[field] = list(mc.value)
