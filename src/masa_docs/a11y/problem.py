"""What the accessibility gate reports: one :class:`A11yProblem` per thing to fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class A11yProblem:
    """One accessibility problem in one output file.

    ``file`` is the file's path relative to the output folder (``arrangements.pdf``); ``check``
    names the check that failed, prefixed by the tool (``axe:image-alt``, ``pdfua:widget-no-tu``,
    ``pdfua-page:PDFUA1-…``, ``poppler:render``, ``docx:table-header``, ``libreoffice:convert``);
    ``where`` locates it inside the file (a CSS selector, ``page 3``, ``table 2``, ``document``);
    ``message`` says what is wrong and how to fix it.
    """

    file: str
    check: str
    message: str
    where: str = "document"

    def format(self) -> str:
        """``arrangements.html: axe:image-alt: img.logo: Images must have alternative text``."""
        return f"{self.file}: {self.check}: {self.where}: {self.message}"

    def __str__(self) -> str:
        return self.format()
