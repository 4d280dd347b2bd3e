"""funding.yaml: the shared budget per financial year, in exact money (Decimal, never float)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from .base import Date, Id, Markdown, Money, PeriodName, Strict, Text


class Contribution(Strict):
    partner: Id = Field(description="Id of a statutory partner or relevant agency.")
    amount: Money
    in_kind: list[Text] = Field(default_factory=list, description="Support given in kind.")


class ExpenditureLine(Strict):
    line: Text
    planned: Money
    actual: Money | None = None


class FundingYear(Strict):
    year: PeriodName
    start: Date
    end: Date
    pooled_fund: bool
    contributions: list[Contribution] = Field(min_length=1)
    total: Money = Field(description="Must equal the sum of the contributions.")
    expenditure: list[ExpenditureLine] = Field(min_length=1)
    approved_on: Date | None = Field(
        default=None, description="When the lead safeguarding partners approved this budget."
    )
    approved_by: Id | None = Field(
        default=None, description="Id of the group that approved it (the LSPs' leadership group)."
    )

    @property
    def contributions_total(self) -> Decimal:
        return sum((c.amount for c in self.contributions), Decimal("0"))

    @property
    def planned_total(self) -> Decimal:
        return sum((e.planned for e in self.expenditure), Decimal("0"))

    @property
    def actual_total(self) -> Decimal | None:
        if any(e.actual is None for e in self.expenditure):
            return None
        return sum((e.actual or Decimal("0") for e in self.expenditure), Decimal("0"))


class Funding(Strict):
    approach: Markdown = Field(description="How the contributions are agreed (equitable and proportionate).")
    hosting_body: Id = Field(description="Id of the partner that hosts the budget and the business unit.")
    payment_terms: Markdown
    under_and_overspend: Markdown
    years: list[FundingYear] = Field(min_length=1)

    def year(self, name: str) -> FundingYear | None:
        return next((y for y in self.years if y.year == name), None)

    @property
    def current(self) -> FundingYear:
        return max(self.years, key=lambda y: y.start)
