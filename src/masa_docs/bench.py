"""``make bench``: how long ``publish`` takes on the example, beside WeasyPrint alone.

Run as ``python -m masa_docs.bench --content content``. In one run it

1. publishes every document in every format into a temporary folder (as ``make publish``
   does, in parallel) and notes the wall time and each output's render time;
2. renders each HTML document's page once more and times WeasyPrint alone on that same HTML
   (``HTML(string=...).write_pdf(pdf_variant="pdf/ua-1")``, one after the other, in this
   process, after WeasyPrint has been imported).

The difference between a PDF's render time and WeasyPrint's is what masa-docs adds (templating,
signature fields, tagging and metadata); the publish total also shows what parallelism saves.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from .errors import ContentError, MasaError
from .wording import count


def _run(content: Path, workers: int | None) -> int:
    from .load import load_content
    from .publish import plan, publish
    from .render.html import HTML_DOCUMENTS, render_html

    with tempfile.TemporaryDirectory(prefix="masa-bench-") as tmp:
        t0 = time.perf_counter()
        result = publish(content, Path(tmp) / "build", workers=workers)
        publish_total = time.perf_counter() - t0

    loaded = load_content(content)
    t0 = time.perf_counter()
    import weasyprint

    import_seconds = time.perf_counter() - t0
    alone: dict[str, tuple[float, int]] = {}
    for doc in HTML_DOCUMENTS:
        if not any(o.doc == doc and o.fmt == "pdf" for o in result.outputs):
            continue
        (request,), _ = plan(loaded, [doc], ["pdf"])  # the request publish rendered
        html = render_html(loaded, request)
        t0 = time.perf_counter()
        document = weasyprint.HTML(string=html).render(pdf_variant="pdf/ua-1")
        document.write_pdf(pdf_variant="pdf/ua-1")
        alone[doc] = (time.perf_counter() - t0, len(document.pages))

    print(
        f"publish {content} (all documents, all formats): {publish_total:.2f} s wall time, "
        f"{count(result.workers, 'worker')}, {count(result.outputs, 'output')}, {len(result.skipped)} skipped"
    )
    print()
    head = f"{'output':<20} {'pages':>5} {'render s':>9} {'WeasyPrint alone s':>19} {'added s':>8}"
    print(head)
    print("-" * len(head))
    for o in result.outputs:
        pages = str(o.pages) if o.pages else "-"
        if o.fmt == "pdf" and o.doc in alone:
            wp, _ = alone[o.doc]
            print(f"{o.file:<20} {pages:>5} {o.seconds:9.2f} {wp:19.2f} {o.seconds - wp:+8.2f}")
        else:
            print(f"{o.file:<20} {pages:>5} {o.seconds:9.2f} {'':>19} {'':>8}")
    for s in result.skipped:
        print(f"{s.file:<20} skipped: {s.reason}")
    print("-" * len(head))
    render_sum = sum(o.seconds for o in result.outputs)
    wp_sum = sum(t for t, _ in alone.values())
    print(f"{'sum of renders':<20} {'':>5} {render_sum:9.2f} {wp_sum:19.2f}")
    print()
    print(f"import weasyprint: {import_seconds:.2f} s (paid once per worker; not in 'WeasyPrint alone')")
    print(
        f"publish wall time {publish_total:.2f} s vs. WeasyPrint alone on the same HTML, one after "
        f"the other: {wp_sum:.2f} s"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m masa_docs.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--content", type=Path, default=Path("content"), help="content folder (default: content)"
    )
    parser.add_argument("--jobs", type=int, default=None, help="publish workers (default: the cores)")
    args = parser.parse_args(argv)
    try:
        return _run(args.content, args.jobs)
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 2
    except MasaError as exc:
        print(f"error: {exc.message}" + (f"\n    hint: {exc.hint}" if exc.hint else ""), file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
