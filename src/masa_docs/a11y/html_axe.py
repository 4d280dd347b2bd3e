"""HTML accessibility checks: axe-core in headless Chromium.

Debian's ``chromium`` is driven by Playwright's Python package with the system executable (no
``playwright install``: browser downloads are not possible here), and axe-core is injected from
the copy bundled in ``axe-playwright-python`` (no network). Each page is opened through a
``file://`` URL; requests to anything but local files are blocked, so a check never reaches the
network and a page that needs a remote resource is checked as a reader without it would see it.

axe runs the rules tagged :data:`AXE_TAGS` — WCAG 2.0, 2.1 and 2.2 levels A and AA plus Deque's
best practice — and every violation becomes one :class:`~masa_docs.a11y.problem.A11yProblem` per
failing element, with the rule id, impact, CSS selector and the failing HTML snippet.

Usage::

    with AxeChecker() as axe:          # launches Chromium once
        for path in paths:
            result = axe.check_file(path)   # ~0.5-2 s a page
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from masa_docs.a11y.problem import A11yProblem
from masa_docs.errors import MasaError
from masa_docs.executables import find_executable
from masa_docs.wording import count

logger = logging.getLogger(__name__)

#: axe-core rule tags run on every page: WCAG 2.0/2.1/2.2 A and AA, and best practice.
AXE_TAGS: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")

#: Flags that make Debian's Chromium run headless, offline and quietly (see stack-notes.md),
#: also as root and in a container.
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm; Chromium then crashes
)

CHROMIUM_HINT = (
    "Install Debian's Chromium with `sudo apt-get install chromium` (or run `make setup` as root), "
    "or set MASA_CHROMIUM to a Chromium executable. `playwright install` is not needed."
)
PLAYWRIGHT_HINT = (
    "Install the accessibility tools: `pip install 'masa-docs[a11y]'` (or `pipx inject masa-docs "
    "playwright axe-playwright-python page-validation`); in a checkout, run `make setup`."
)

_CANDIDATES = ("/usr/bin/chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromium-browser")

#: At most this many failing elements are listed per rule and page; the rest are counted.
MAX_NODES_PER_RULE = 10
_SNIPPET_CHARS = 240


@dataclass(frozen=True)
class AxeNode:
    """One element that fails a rule."""

    target: str  # CSS selector(s) axe gives for the element
    html: str  # the element's opening HTML, shortened
    summary: str  # axe's "Fix any of the following: …" text


@dataclass(frozen=True)
class AxeViolation:
    rule: str
    impact: str
    help: str
    help_url: str
    nodes: tuple[AxeNode, ...]


@dataclass
class AxeResult:
    """axe's verdict on one page."""

    path: Path
    violations: list[AxeViolation]
    incomplete: list[str] = field(default_factory=list)  # rules axe could not decide ("needs review")
    blocked: list[str] = field(default_factory=list)  # non-local requests the page tried to make
    seconds: float = 0.0
    axe_version: str = ""

    def problems(self, name: str) -> list[A11yProblem]:
        """One problem per failing element (at most :data:`MAX_NODES_PER_RULE` per rule)."""
        out: list[A11yProblem] = []
        for v in self.violations:
            for node in v.nodes[:MAX_NODES_PER_RULE]:
                message = f"{v.help} ({v.impact}): {node.html}"
                if node.summary:
                    message += f" — {node.summary}"
                message += f" [{v.help_url}]"
                out.append(A11yProblem(name, f"axe:{v.rule}", message, node.target))
            extra = len(v.nodes) - MAX_NODES_PER_RULE
            if extra > 0:
                out.append(
                    A11yProblem(
                        name,
                        f"axe:{v.rule}",
                        f"{v.help} ({v.impact}): {count(extra, 'more element')} "
                        f"{'fails' if extra == 1 else 'fail'} the same rule",
                        "(more elements)",
                    )
                )
        return out


def find_chromium() -> str | None:
    """Path of the Chromium executable: $MASA_CHROMIUM, then PATH, then Debian's places."""
    return find_executable("MASA_CHROMIUM", ("chromium", "chromium-browser"), _CANDIDATES)


def _shorten(text: str, limit: int = _SNIPPET_CHARS) -> str:
    text = " ".join(text.split())
    whole_page = re.match(r"<(html|body)\b", text) is not None
    if len(text) <= limit and not whole_page:
        return text
    opening = re.match(r"<[^>]*>", text)  # an element's opening tag says which element it is
    if opening and len(opening.group(0)) <= limit:
        return opening.group(0) + "…"
    return text[: limit - 1] + "…"


def _target(target: Sequence[Any]) -> str:
    # Each entry is a selector, or a list of selectors across shadow roots / frames.
    parts = [" >>> ".join(t) if isinstance(t, list) else str(t) for t in target]
    return " | ".join(parts) or "(page)"


def _summary(node: dict[str, Any]) -> str:
    text = str(node.get("failureSummary") or "")
    return _shorten(text.replace("\n  ", " ").replace("\n", " "), 400)


def parse_violations(response: dict[str, Any]) -> list[AxeViolation]:
    """Turn axe's ``violations`` array into :class:`AxeViolation` objects, sorted by rule id."""
    out: list[AxeViolation] = []
    for v in response.get("violations", []):
        nodes = tuple(
            AxeNode(_target(n.get("target", [])), _shorten(str(n.get("html", ""))), _summary(n))
            for n in v.get("nodes", [])
        )
        out.append(
            AxeViolation(
                rule=str(v.get("id", "?")),
                impact=str(v.get("impact") or "unknown"),
                help=str(v.get("help", "")),
                help_url=str(v.get("helpUrl", "")).split("?")[0],
                nodes=nodes,
            )
        )
    return sorted(out, key=lambda v: v.rule)


class AxeChecker:
    """Headless Chromium with axe-core; launch once, check many pages.

    Raises :class:`MasaError` (with an install hint) when Playwright, axe-playwright-python or
    Chromium is missing or Chromium cannot start.
    """

    def __init__(self, executable: str | None = None, tags: Sequence[str] = AXE_TAGS) -> None:
        self.executable = executable
        self.tags = tuple(tags)
        self._pw: Any = None
        self._browser: Any = None
        self._context: Any = None
        self._axe: Any = None
        self._blocked: list[str] = []

    # ---- lifecycle

    def start(self) -> AxeChecker:
        try:
            from axe_playwright_python.sync_playwright import Axe
            from playwright.sync_api import Error as PlaywrightError
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            raise MasaError(f"the HTML accessibility check needs {exc.name}", PLAYWRIGHT_HINT) from exc
        executable = self.executable or find_chromium()
        if executable is None or not os.access(executable, os.X_OK):
            raise MasaError(
                "Chromium is not installed: the HTML accessibility check (axe-core) needs it", CHROMIUM_HINT
            )
        started = time.perf_counter()
        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(
                executable_path=executable, args=list(CHROMIUM_FLAGS), headless=True
            )
        except PlaywrightError as exc:
            self._pw.stop()
            self._pw = None
            raise MasaError(
                f"Chromium ({executable}) could not start: {str(exc).splitlines()[0]}", CHROMIUM_HINT
            ) from exc
        self._context = self._browser.new_context(java_script_enabled=True, locale="en-GB")
        self._context.route("**/*", self._route)
        self._axe = Axe()
        logger.info("Chromium %s started in %.2f s", self._browser.version, time.perf_counter() - started)
        return self

    def close(self) -> None:
        for closer in (self._context, self._browser):
            if closer is not None:
                try:
                    closer.close()
                except Exception:  # pragma: no cover - best effort on shutdown
                    logger.debug("closing Chromium failed", exc_info=True)
        if self._pw is not None:
            self._pw.stop()
        self._pw = self._browser = self._context = None

    def __enter__(self) -> AxeChecker:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def browser_version(self) -> str:
        return str(self._browser.version) if self._browser is not None else ""

    # ---- checking

    def _route(self, route: Any) -> None:
        url = str(route.request.url)
        if url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            self._blocked.append(url)
            route.abort("blockedbyclient")

    def check_file(self, path: Path) -> AxeResult:
        """Open ``path`` (an HTML file) and run axe on it."""
        if self._context is None:
            self.start()
        started = time.perf_counter()
        self._blocked = []
        page = self._context.new_page()
        try:
            page.goto(Path(path).resolve().as_uri(), wait_until="load")
            options = {
                "runOnly": {"type": "tag", "values": list(self.tags)},
                "resultTypes": ["violations"],
            }
            response = self._axe.run(page, options=options)
            data: dict[str, Any] = response.response
        finally:
            page.close()
        seconds = time.perf_counter() - started
        result = AxeResult(
            path=Path(path),
            violations=parse_violations(data),
            incomplete=sorted({str(r.get("id")) for r in data.get("incomplete", [])}),
            blocked=sorted(set(self._blocked)),
            seconds=seconds,
            axe_version=str(data.get("testEngine", {}).get("version", "")),
        )
        logger.info(
            "axe %s: %d violation(s) in %.2f s",
            Path(path).name,
            sum(len(v.nodes) for v in result.violations),
            seconds,
        )
        return result


def check_html_files(
    paths: Iterable[Path], root: Path, *, checker: AxeChecker | None = None
) -> tuple[list[A11yProblem], list[AxeResult]]:
    """Run axe on every file (Chromium launched once unless ``checker`` is given)."""
    problems: list[A11yProblem] = []
    results: list[AxeResult] = []
    paths = list(paths)
    if not paths:
        return problems, results
    own = checker is None
    axe = checker or AxeChecker().start()
    try:
        for path in paths:
            name = _relative(path, root)
            try:
                result = axe.check_file(path)
            except MasaError:
                raise
            except Exception as exc:  # a page that cannot load or run axe is a failure, not a crash
                problems.append(A11yProblem(name, "axe:run", f"axe could not check the page: {exc}"))
                continue
            results.append(result)
            problems.extend(result.problems(name))
            for url in result.blocked:
                logger.warning("%s: blocked a request to %s (pages must not need the network)", name, url)
    finally:
        if own:
            axe.close()
    return problems, results


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).name
