"""funding.yaml: the shared budget per financial year, in exact money (Decimal, never float)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from .base import Date, Id, KnownMoney, Markdown, Money, NotKnown, PeriodName, Strict, Text, known_sum


class Contribution(Strict):
    partner: Id = Field(
        description="Id of a statutory partner, another partner, a relevant agency or a funder."
    )
    amount: KnownMoney = Field(description="Exact pounds, e.g. 125000.00; or 'unknown: not published'.")
    in_kind: list[Text] = Field(default_factory=list, description="Support given in kind.")


class Funder(Strict):
    """A body that funds the partnership without being a partner, e.g. a police and crime
    commissioner's grant."""

    id: Id
    name: Text
    kind: Text = Field(description="What it is, e.g. 'Police and crime commissioner'.")
    description: Markdown | None = Field(default=None, description="What the money is for, and any terms.")


class ExpenditureLine(Strict):
    line: Text
    planned: KnownMoney
    actual: Money | None = None


class FundingYear(Strict):
    year: PeriodName
    start: Date
    end: Date
    pooled_fund: bool
    contributions: list[Contribution] = Field(min_length=1)
    total: KnownMoney = Field(description="Must equal the sum of the contributions (or be unknown).")
    expenditure: list[ExpenditureLine] = Field(min_length=1)
    approved_on: Date | None = Field(
        default=None, description="When the lead safeguarding partners approved this budget."
    )
    approved_by: Id | None = Field(
        default=None, description="Id of the group that approved it (the LSPs' leadership group)."
    )

    @property
    def contributions_total(self) -> Decimal | NotKnown:
        """The sum of the contributions; not known when any contribution is not known."""
        return known_sum(c.amount for c in self.contributions)

    @property
    def planned_total(self) -> Decimal | NotKnown:
        return known_sum(e.planned for e in self.expenditure)

    @property
    def actual_total(self) -> Decimal | None:
        if any(e.actual is None for e in self.expenditure):
            return None
        return sum((e.actual or Decimal("0") for e in self.expenditure), Decimal("0"))

    @property
    def fully_known(self) -> bool:
        """Every amount of the year (contributions, total, planned spending) is known."""
        return not any(
            isinstance(v, NotKnown)
            for v in (
                self.total,
                *(c.amount for c in self.contributions),
                *(e.planned for e in self.expenditure),
            )
        )


class Funding(Strict):
    approach: Markdown = Field(description="How the contributions are agreed (equitable and proportionate).")
    hosting_body: Id = Field(description="Id of the partner that hosts the budget and the business unit.")
    payment_terms: Markdown
    under_and_overspend: Markdown
    years: list[FundingYear] = Field(min_length=1)
    funders: list[Funder] = Field(
        default_factory=list,
        description="Bodies that fund the partnership but are not partners (their contributions are "
        "listed under their id).",
    )

    def year(self, name: str) -> FundingYear | None:
        return next((y for y in self.years if y.year == name), None)

    @property
    def current(self) -> FundingYear:
        return max(self.years, key=lambda y: y.start)
