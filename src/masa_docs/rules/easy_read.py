"""The registered check of the easy-read versions: do they meet the partnership's reading age?

Imported by :mod:`masa_docs.rules.checks` so that the check is registered with the others.
"""

from __future__ import annotations

from .checks import CheckContext, Outcome, Probe, register

EASY_READ_DOCS = ("yearly-report-easy-read", "arrangements-summary")


@register("easy_read_reading_age")
def easy_read_reading_age(ctx: CheckContext) -> Outcome:
    """The words of each easy-read version read at or below target_reading_age (default 11)."""
    from ..readability import document_readability

    words = ctx.content.plain_language
    if words is None:
        return Outcome("not_applicable", "there is no plain-language.yaml, so no easy-read version is made")
    probe = Probe(ctx)
    probe.look(("plain_language", "target_reading_age"))
    met = []
    for doc in (d for d in EASY_READ_DOCS if ctx.covers(d)):
        result = document_readability(ctx.content, doc, ctx.period)
        if result is None:
            continue  # no words for this period: the document is not made
        m = result.measure
        what = f"{doc}{' ' + result.period if result.period else ''}"
        figures = f"reading age {m.reading_age} ({m.words} words, {m.words_per_sentence} words a sentence)"
        if result.meets_target:
            met.append(f"{what}: {figures}")
        else:
            loc = (
                ("plain_language", "yearly_reports", result.period) if result.period else ("plain_language",)
            )
            probe.fail(
                loc,
                f"{what} reads at age {m.reading_age}; the target is {result.target}",
                "run 'masa-docs validate' for the sentences to make shorter and the words to explain",
            )
    if not met and not probe.findings:
        return Outcome("not_applicable", "plain-language.yaml has no words for this yearly report")
    return probe.outcome(f"within the target reading age of {words.target_reading_age}: " + "; ".join(met))
