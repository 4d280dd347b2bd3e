"""How easy the plain-language words are to read: reading age, sentence length, long words, jargon.

The texts are the ones people write in ``plain-language.yaml``; nothing here writes or changes
words. Figures come from ``textstat``:

* **reading age** = the Automated Readability Index (ARI, a US school grade, from characters per
  word and words per sentence) + 5, the usual way to turn a US grade into a UK reading age.
  ARI needs no syllable dictionary, so the figures are the same on every machine and no data is
  downloaded (textstat's syllable counts need NLTK's CMU dictionary, fetched from the network).
* **sentence length**: words per sentence (``textstat.lexicon_count``); a sentence longer than
  ``max_sentence_words`` (default 20) is reported.
* **long words**: words of :data:`LONG_WORD_LETTERS` letters or more, unless the glossary
  explains them.
* **jargon**: the terms of ``data/jargon.yaml`` plus the partnership's own (``jargon:``); each use
  that the glossary does not explain is reported.

Every problem is a warning located at the file, line and column of the sentence
(:func:`plain_language_diagnostics`); ``validate --strict`` makes them errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from .errors import Diagnostic, did_you_mean

if TYPE_CHECKING:
    from .load import LoadedContent, SourceMap
    from .model import Content
    from .model.plain_language import PlainLanguage
    from .render.context import DocumentMeta

Loc = tuple[str | int, ...]

#: A word of this many letters or more is a long word.
LONG_WORD_LETTERS = 13
#: A text needs this many words before its own reading age is reported (shorter texts swing).
MIN_WORDS_FOR_AGE = 20
#: US school grade -> UK reading age.
GRADE_TO_AGE = 5
CODE = "readability"

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'’”)]*\s+(?=[\"'‘“(]?[A-Z0-9£])")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


# ------------------------------------------------------------------ the texts


@dataclass(frozen=True)
class PlainText:
    """One text people wrote, where it is and which easy-read documents print it."""

    loc: Loc  # content path, e.g. ("plain_language", "worried")
    text: str  # as written (Markdown for the longer fields)
    docs: tuple[str, ...]
    markdown: bool = True

    @property
    def plain(self) -> str:
        return to_plain(self.text) if self.markdown else self.text


BOTH = ("yearly-report-easy-read", "arrangements-summary")
SUMMARY = ("arrangements-summary",)
YEARLY = ("yearly-report-easy-read",)


def plain_texts(words: PlainLanguage) -> list[PlainText]:
    """Every text of plain-language.yaml that a reader sees, with its content path."""
    base: Loc = ("plain_language",)
    out = [PlainText((*base, "what_we_are"), words.what_we_are, BOTH)]
    for i, helper in enumerate(words.who_keeps_children_safe):
        out.append(PlainText((*base, "who_keeps_children_safe", i, "does"), helper.does, SUMMARY))
    out.append(PlainText((*base, "worried"), words.worried, SUMMARY))
    out.append(PlainText((*base, "emergency"), words.emergency, BOTH, markdown=False))
    for i, c in enumerate(words.get_help):
        out.append(PlainText((*base, "get_help", i, "when"), c.when, BOTH))
    out.append(PlainText((*base, "have_your_say"), words.have_your_say, YEARLY))
    out.append(PlainText((*base, "complain"), words.complain, SUMMARY))
    for i, g in enumerate(words.glossary):
        out.append(PlainText((*base, "glossary", i, "meaning"), g.meaning, BOTH, markdown=False))
    for period, year in words.yearly_reports.items():
        y: Loc = (*base, "yearly_reports", period)
        if year.introduction:
            out.append(PlainText((*y, "introduction"), year.introduction, YEARLY))
        for i, ys in enumerate(year.you_said_we_did):
            out.append(PlainText((*y, "you_said_we_did", i, "you_said"), ys.you_said, YEARLY, False))
            out.append(PlainText((*y, "you_said_we_did", i, "we_did"), ys.we_did, YEARLY, False))
        for i, h in enumerate(year.highlights):
            out.append(PlainText((*y, "highlights", i, "text"), f"{h.number} {h.text}", YEARLY, False))
        for i, line in enumerate(year.next_year):
            out.append(PlainText((*y, "next_year", i), line, YEARLY, False))
    return out


def document_texts(words: PlainLanguage, doc: str, period: str | None = None) -> list[PlainText]:
    """The texts one easy-read document prints (the yearly one: only its own period's)."""
    out = []
    for t in plain_texts(words):
        if doc not in t.docs:
            continue
        if t.loc[1] == "yearly_reports" and t.loc[2] != period:
            continue
        out.append(t)
    return out


def to_plain(markdown: str) -> str:
    """Markdown -> the words a reader reads: one block (paragraph, list item, heading) per line,
    link text kept and addresses dropped, pictures by their alt text."""
    from .markdown import parse

    blocks: list[str] = []
    for tok in parse(markdown):
        if tok.type != "inline":
            continue
        parts = []
        for child in tok.children or []:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
            elif child.type == "image":
                parts.append(child.content)
        line = " ".join("".join(parts).split())
        if line:
            blocks.append(line)
    return "\n".join(blocks)


def sentences(plain: str) -> list[str]:
    """Sentences of a plain text: each line is a block; a block splits after . ! or ?"""
    out: list[str] = []
    for block in plain.splitlines():
        out.extend(s.strip() for s in _SENTENCE_END.split(block) if s.strip())
    return out


def _as_sentences(plain: str) -> str:
    """Each block ends a sentence, so textstat does not join a list item to the next one."""
    lines = [ln.rstrip() for ln in plain.splitlines() if ln.strip()]
    return " ".join(ln if ln[-1] in ".!?:" else ln + "." for ln in lines)


# ------------------------------------------------------------------ measuring


@dataclass(frozen=True)
class Measure:
    """textstat's figures for one text."""

    words: int
    sentences: int
    characters: int  # without spaces
    ari: Decimal  # Automated Readability Index, one decimal
    longest_sentence: int  # words

    @property
    def reading_age(self) -> Decimal:
        return self.ari + GRADE_TO_AGE

    @property
    def words_per_sentence(self) -> Decimal:
        if not self.sentences:
            return Decimal(0)
        return (Decimal(self.words) / self.sentences).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _one_decimal(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def measure(plain: str) -> Measure:
    """Reading figures of a plain text (textstat, imported here: it is slow to import)."""
    import textstat

    text = _as_sentences(plain)
    if not text:
        return Measure(0, 0, 0, Decimal(0), 0)
    return Measure(
        words=int(textstat.lexicon_count(text)),
        sentences=int(textstat.sentence_count(text)),
        characters=int(textstat.char_count(text)),
        ari=_one_decimal(float(textstat.automated_readability_index(text))),
        longest_sentence=max((int(textstat.lexicon_count(s)) for s in sentences(plain)), default=0),
    )


def long_words(sentence: str) -> list[str]:
    return [w for w in _WORD.findall(sentence) if sum(ch.isalpha() for ch in w) >= LONG_WORD_LETTERS]


# ------------------------------------------------------------------ jargon


@dataclass(frozen=True)
class Term:
    term: str
    instead: str | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        return term_pattern(self.term)


def term_pattern(term: str) -> re.Pattern[str]:
    """A whole-word, any-case pattern for ``term``; a hyphen or space may be either or absent,
    and a plural 's' is allowed."""
    parts = [re.escape(p) for p in re.split(r"[\s-]+", term.strip()) if p]
    return re.compile(r"(?<![\w-])" + r"[\s-]?".join(parts) + r"(?:s|es)?(?![\w-])", re.IGNORECASE)


@cache
def builtin_jargon() -> tuple[Term, ...]:
    from ruamel.yaml import YAML

    text = resources.files("masa_docs.data").joinpath("jargon.yaml").read_text(encoding="utf-8")
    return tuple(Term(str(e["term"]), e.get("instead")) for e in YAML(typ="safe").load(text))


def jargon_terms(words: PlainLanguage) -> list[Term]:
    return [*builtin_jargon(), *(Term(t) for t in words.jargon)]


def explained(words: PlainLanguage) -> list[re.Pattern[str]]:
    """Patterns of the glossary's terms."""
    return [term_pattern(g.term) for g in words.glossary]


def unexplained_jargon(sentence: str, words: PlainLanguage) -> list[tuple[Term, str]]:
    """(term, the words as written) for each jargon term used in ``sentence`` and not in the
    glossary. A longer term that matches hides the shorter ones inside it."""
    glossary = explained(words)
    found: list[tuple[Term, str, tuple[int, int]]] = []
    for term in sorted(jargon_terms(words), key=lambda t: -len(t.term)):
        for m in term.pattern.finditer(sentence):
            span = m.span()
            if any(s[0] <= span[0] and span[1] <= s[1] for _, _, s in found):
                continue
            found.append((term, m.group(0), span))
    out = []
    for term, written, _ in sorted(found, key=lambda f: f[2]):
        if any(g.fullmatch(written) or g.fullmatch(term.term) for g in glossary):
            continue
        out.append((term, written))
    return out


# ------------------------------------------------------------------ problems, located


def _locate_sentence(
    smap: SourceMap, loc: Loc, sentence: str, word: str | None = None
) -> tuple[str, int | None, int | None, str]:
    """(file, line, column, field path) of ``sentence`` inside the value at ``loc``: where its
    first words are, at or after the value's own position (or, given ``word``, where that word
    is in the sentence). YAML may fold a sentence over lines, so any whitespace matches."""
    d = smap.diagnostic(loc, "")
    src, _inner = smap.file_for(loc)
    if src is None or d.line is None:
        return d.file, d.line, d.column, d.field_path
    try:
        text = src.path.read_text(encoding="utf-8")
    except OSError:
        return d.file, d.line, d.column, d.field_path
    lines = text.splitlines(keepends=True)
    start = sum(len(ln) for ln in lines[: d.line - 1]) + (d.column or 1) - 1
    first = _WORD.findall(sentence)[:4] or sentence.split()[:1]
    if not first:
        return d.file, d.line, d.column, d.field_path
    pattern = re.compile(r"[\s\S]{1,30}?".join(re.escape(w) for w in first))
    m = pattern.search(text, start)
    if m is None:
        return d.file, d.line, d.column, d.field_path
    at = m.start()
    if word:
        w = re.compile(r"\s+".join(re.escape(part) for part in word.split()))
        found = w.search(text, at)
        if found is not None:
            at = found.start()
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    return d.file, line, col, d.field_path


Found = tuple[str | None, str | None, str, str | None]  # sentence, word, message, hint


def _warn(smap: SourceMap, text: PlainText, found: Found) -> Diagnostic:
    """The warning, at its word, else its sentence, else the text's first sentence."""
    sentence, word, message, hint = found
    first = sentences(text.plain)[:1]
    if sentence is None and not first:
        return smap.diagnostic(text.loc, message, hint=hint, severity="warning", code=CODE)
    file, line, col, path = _locate_sentence(smap, text.loc, sentence or first[0], word)
    return Diagnostic(file, line, col, path, message, hint, "warning", CODE)


def _quote(sentence: str, limit: int = 60) -> str:
    return f"“{sentence}”" if len(sentence) <= limit else f"“{sentence[: limit - 1].rstrip()}…”"


def text_problems(words: PlainLanguage, text: PlainText) -> Iterator[Found]:
    """(sentence, word, message, hint) for each problem of one text (sentence and word: where
    the problem is, when it is in one place)."""
    plain = text.plain  # pictures never get here: validate refuses images in content
    glossary = explained(words)
    for sentence in sentences(plain):
        n = _lexicon(sentence)
        if n > words.max_sentence_words:
            yield (
                sentence,
                None,
                f"a sentence of {n} words (the most is {words.max_sentence_words}): {_quote(sentence)}",
                "split it into two sentences",
            )
        for term, written in unexplained_jargon(sentence, words):
            hint = f"explain '{term.term}' in the glossary of plain-language.yaml, or say"
            hint += f" '{term.instead}'" if term.instead else " it in everyday words"
            yield sentence, written, f"many readers will not know '{written}'", hint
        for word in long_words(sentence):
            if any(g.fullmatch(word) for g in glossary):
                continue
            yield (
                sentence,
                word,
                f"'{word}' is a long word",
                "use a shorter word, or explain it in the glossary",
            )
    if text.loc[-3:-2] == ("highlights",):
        year = words.yearly_reports[str(text.loc[2])]
        if re.search(r"\d", year.highlights[int(text.loc[-2])].text):
            yield None, None, "a highlight has a second number in its text", "give each highlight one number"
    m = measure(plain)
    if m.words >= MIN_WORDS_FOR_AGE and m.reading_age > words.target_reading_age:
        yield (
            None,
            None,
            f"reads at age {m.reading_age} (the target is {words.target_reading_age}): "
            f"{m.words_per_sentence} words a sentence",
            "use shorter sentences and shorter words",
        )


def _lexicon(sentence: str) -> int:
    import textstat

    return int(textstat.lexicon_count(sentence))


def plain_language_diagnostics(loaded: LoadedContent) -> list[Diagnostic]:
    """A warning for each readability problem of plain-language.yaml, located at its sentence.
    Empty when the content has no plain-language words."""
    words = loaded.content.plain_language
    if words is None:
        return []
    out = []
    for period in words.yearly_reports:
        if period not in loaded.content.reports:
            loc: Loc = ("plain_language", "yearly_reports", period)
            out.append(
                loaded.source.diagnostic(
                    loc,
                    f"there is no yearly report for {period}, so its easy-read version is not made",
                    hint=did_you_mean(period, loaded.content.reports) or f"add reports/{period}.yaml",
                    key=True,
                    severity="warning",
                    code=CODE,
                )
            )
    for text in plain_texts(words):
        for found in text_problems(words, text):
            out.append(_warn(loaded.source, text, found))
    return sorted(out)


# ------------------------------------------------------------------ a whole document


@dataclass(frozen=True)
class DocumentReadability:
    doc: str
    period: str | None
    measure: Measure
    target: int

    @property
    def meets_target(self) -> bool:
        return self.measure.reading_age <= self.target


def document_readability(content: Content, doc: str, period: str | None = None) -> DocumentReadability | None:
    """The reading figures of one easy-read document's words together (None without them)."""
    words = content.plain_language
    if words is None:
        return None
    if doc == "yearly-report-easy-read":
        period = period or content.latest_period
        if period not in words.yearly_reports:
            return None
    else:
        period = None
    texts = document_texts(words, doc, period)
    plain = "\n".join(t.plain for t in texts)
    return DocumentReadability(doc, period, measure(plain), words.target_reading_age)


# ------------------------------------------------------------------ template context


@dataclass(frozen=True)
class ContactView:
    name: str
    when: str
    phone: str | None
    tel: str | None  # tel: link that works on a phone
    url: str | None
    email: str | None
    hours: str | None


def tel_href(phone: str) -> str:
    """'01632 960 111' -> 'tel:01632960111'."""
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


def easy_read_context(loaded: LoadedContent, meta: DocumentMeta) -> dict[str, Any]:
    """What the easy-read templates see: ``words`` (plain-language.yaml), ``year`` (the period's
    words, yearly version only), ``contacts`` (with tel: links), ``glossary`` (sorted) and
    ``source`` (the metadata of the document it summarises)."""
    from .render.context import document_meta

    c = loaded.content
    words = c.plain_language
    assert words is not None  # document_meta refuses an easy-read document without them
    source = document_meta(loaded, str(meta.spec.source), period=meta.period)
    contacts = [
        ContactView(h.name, h.when, h.phone, tel_href(h.phone) if h.phone else None, h.url, h.email, h.hours)
        for h in words.get_help
    ]
    return {
        "words": words,
        "year": words.yearly_reports.get(meta.period or "") if meta.spec.periodic else None,
        "contacts": contacts,
        "glossary": sorted(words.glossary, key=lambda g: g.term.lower()),
        "source": source,
    }


__all__ = [
    "DocumentReadability",
    "Measure",
    "PlainText",
    "document_readability",
    "easy_read_context",
    "measure",
    "plain_language_diagnostics",
    "plain_texts",
    "sentences",
    "tel_href",
    "to_plain",
    "unexplained_jargon",
]
