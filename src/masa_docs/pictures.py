"""Pictures of the built documents, to look at before and after changing a template.

``make pictures`` (or ``python -m masa_docs.pictures --build build --out build/pictures``) renders,
for every PDF and Word copy in a build folder, the first two pages, the sign-off page and the
first page with a chart to PNG with poppler's ``pdftoppm``. Word copies are turned into PDF with
LibreOffice first (:mod:`masa_docs.render.libreoffice`), so the pictures show what Word users
see, near enough. File names say which page they are::

    build/pictures/yearly-report.pdf-p01-first.png
    build/pictures/yearly-report.docx-p07-chart.png
    build/pictures/agreement.pdf-p12-sign-off.png

A page is chosen by its text (``pdftotext``): the sign-off page is the last page that says
"Sign-off" or "Signature"; a chart page is the first that has a "Figure" caption or an
SVG/PNG chart's title line. Pages that are not found are simply not drawn.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["choose_pages", "page_texts", "render_pictures"]

_SIGN_OFF_WORDS = ("Sign-off", "Signature:", "Signed for and on behalf")
_CHART_WORDS = ("Figure ", "Chart:", "Chart ")


def page_texts(pdf: Path) -> list[str]:
    """The text of each page of ``pdf`` (pdftotext, one string per page)."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise RuntimeError("pdftotext is needed: sudo apt-get install poppler-utils")
    out = subprocess.run(
        [exe, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, timeout=120
    ).stdout.decode("utf-8", errors="replace")
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def choose_pages(texts: list[str]) -> dict[int, str]:
    """1-based page number -> label: first pages, the sign-off page, the first chart page."""
    chosen: dict[int, str] = {}
    for number in (1, 2):
        if number <= len(texts):
            chosen[number] = "first" if number == 1 else "second"
    for number in range(len(texts), 0, -1):
        if any(word in texts[number - 1] for word in _SIGN_OFF_WORDS):
            chosen.setdefault(number, "sign-off")
            break
    for number, text in enumerate(texts, start=1):
        if number > 2 and any(word in text for word in _CHART_WORDS):
            chosen.setdefault(number, "chart")
            break
    return dict(sorted(chosen.items()))


def _draw(pdf: Path, out: Path, stem: str, dpi: int) -> list[Path]:
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise RuntimeError("pdftoppm is needed: sudo apt-get install poppler-utils")
    made: list[Path] = []
    for number, label in choose_pages(page_texts(pdf)).items():
        target = out / f"{stem}-p{number:02d}-{label}"
        subprocess.run(
            [
                exe,
                "-png",
                "-r",
                str(dpi),
                "-f",
                str(number),
                "-l",
                str(number),
                "-singlefile",
                str(pdf),
                str(target),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        made.append(target.with_suffix(".png"))
    return made


def render_pictures(build: Path, out: Path, *, dpi: int = 70, word: bool = True) -> list[Path]:
    """Draw the chosen pages of every ``*.pdf`` (and, with ``word``, ``*.docx``) in ``build``."""
    from .render.libreoffice import docx_to_pdf

    out.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    for pdf in sorted(build.glob("*.pdf")):
        made += _draw(pdf, out, pdf.name, dpi)
    if word:
        with tempfile.TemporaryDirectory(prefix="masa-pictures-") as tmp:
            for docx in sorted(build.glob("*.docx")):
                converted = Path(tmp) / f"{docx.name}.pdf"
                converted.write_bytes(docx_to_pdf(docx.read_bytes()))
                made += _draw(converted, out, docx.name, dpi)
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=Path("build"))
    parser.add_argument("--out", type=Path, default=None, help="default: BUILD/pictures")
    parser.add_argument("--dpi", type=int, default=70)
    parser.add_argument("--no-word", action="store_true", help="skip the Word copies")
    args = parser.parse_args(argv)
    if not args.build.is_dir():
        print(f"{args.build}: no such build folder (run `make publish` first)", file=sys.stderr)
        return 2
    out = args.out or args.build / "pictures"
    made = render_pictures(args.build, out, dpi=args.dpi, word=not args.no_word)
    print(f"{len(made)} pictures in {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
