"""``make mutation MODULE=src/masa_docs/markdown.py``: mutation-test one module with its own tests.

Run as ``python -m masa_docs.mutation src/masa_docs/markdown.py``. mutmut (3.x, a dev dependency)
changes the module one small step at a time (``<`` to ``<=``, ``"past"`` to ``"XXpastXX"``, a
call's argument dropped, ...) and runs the module's tests against every change ("mutant"). A
mutant the tests fail on is *killed*; one they pass is a *survivor*: a change of behaviour no test
noticed, or an equivalent change that behaves the same.

It never touches the checkout: the tracked files (and new files not yet ignored) are copied to a
temporary folder, mutmut runs there (its ``mutants/`` copy lives in that folder) with one child
process, and the folder is removed afterwards unless ``--keep`` is given. It prints every
survivor's diff, to read and judge, the mutants no test runs, and the score: killed / every
mutant run (a mutant in code no test runs counts as not killed).

Only the tests listed in :data:`TESTS` run, and not the slow or client ones: fast tests that
exercise the module, never tests that read the module's source (the template-variable reference
test, ``test_template_lint.py``, would fail on every mutant of ``model/content.py``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# The module's own tests: fast, and none that inspect source code.
TESTS: dict[str, list[str]] = {
    "src/masa_docs/markdown.py": ["tests/test_markdown.py", "tests/test_security.py"],
    "src/masa_docs/deadlines.py": ["tests/test_deadlines.py"],
    "src/masa_docs/reporting.py": ["tests/test_reporting.py"],
    "src/masa_docs/model/content.py": ["tests/test_content_model.py", "tests/test_model.py"],
}
# Tests of those files left out: they run the whole 'check' command, seconds each, for what the
# module's own tests check exactly.
DESELECT: dict[str, list[str]] = {
    "src/masa_docs/deadlines.py": [
        "tests/test_deadlines.py::test_check_prints_the_warnings",
        "tests/test_deadlines.py::test_today_changes_only_rules_about_time_passing",
        "tests/test_deadlines.py::test_bad_today_is_a_usage_error",
    ],
}
MARKERS = "not slow and not client"
KILLED = frozenset({"killed", "timeout", "caught by type check"})
NOT_RUN = frozenset({"not checked", "skipped", "check was interrupted by user"})


def _checkout_files(repo: Path) -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=repo,
        check=True,
        capture_output=True,
    ).stdout
    return [p for p in out.decode().split("\0") if p]


def _copy_checkout(repo: Path, dest: Path) -> None:
    for rel in _checkout_files(repo):
        src = repo / rel
        if not src.is_file():  # deleted but not yet committed
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)


def _config(module: str, tests: list[str], top: list[str]) -> str:
    deselect = [arg for test in DESELECT.get(module, []) for arg in ("--deselect", test)]

    def toml_list(items: list[str]) -> str:
        return "[" + ", ".join(f'"{i}"' for i in items) + "]"

    return (
        "\n[tool.mutmut]\n"
        'source_paths = ["src"]\n'
        f"only_mutate = {toml_list([module])}\n"
        f"also_copy = {toml_list(top)}\n"
        f"pytest_add_cli_args_test_selection = {toml_list(tests)}\n"
        "pytest_add_cli_args = "
        + toml_list(["-m", MARKERS, "-p", "no:cacheprovider", "--snapshot-warn-unused", "-q", *deselect])
        + "\n"
        "use_git_change_detection = false\n"
    )


def _results(work: Path) -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=work,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    status: dict[str, str] = {}
    for line in out.splitlines():
        name, sep, state = line.strip().rpartition(": ")
        if sep and name:
            status[name] = state
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m masa_docs.mutation", description=__doc__.split("\n")[0])
    parser.add_argument("module", choices=sorted(TESTS), help="the module to mutate")
    parser.add_argument("--max-children", type=int, default=1, help="parallel test processes (default 1)")
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it (to 'mutmut show' later)")
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="the checkout (default: here)")
    args = parser.parse_args(argv)
    try:
        import mutmut  # noqa: F401
    except ImportError:
        print("error: mutmut is not installed (it is in the dev extra: pip install -e '.[dev]')")
        return 2

    repo: Path = args.repo.resolve()
    tests = TESTS[args.module]
    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="masa-mutation-"))
    try:
        if args.keep and work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True, exist_ok=True)
        _copy_checkout(repo, work)
        with (work / "pyproject.toml").open("a", encoding="utf-8") as f:
            # everything beside src/ too: the tests find templates/ and content/ from the package
            top = sorted({p.split("/")[0] for p in _checkout_files(repo)} - {"src"})
            f.write(_config(args.module, tests, top))
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the mutants/ copy, only
        print(f"mutating {args.module} with {' '.join(tests)} in {work}", flush=True)
        run = subprocess.run(
            [sys.executable, "-m", "mutmut", "run", "--max-children", str(args.max_children)],
            cwd=work,
            env=env,
        )
        if run.returncode != 0:
            print(f"error: mutmut run exited with {run.returncode}")
            return 1
        status = _results(work)
        survived = sorted(k for k, v in status.items() if v == "survived")
        for name in survived:
            diff = subprocess.run(
                [sys.executable, "-m", "mutmut", "show", name], cwd=work, capture_output=True, text=True
            ).stdout
            print(diff)
        for name in sorted(k for k, v in status.items() if v == "no tests"):
            print(f"no test runs this mutant's code: {name}")
        killed = sum(1 for v in status.values() if v in KILLED)
        others = {v for v in status.values() if v not in KILLED}
        tally = ", ".join(f"{sum(1 for s in status.values() if s == v)} {v}" for v in sorted(others))
        tested = sum(1 for v in status.values() if v not in NOT_RUN)
        score = 100 * killed / tested if tested else 0.0
        print(f"{args.module}: {len(status)} mutants; {killed} killed, {tally or '0 survived'}")
        print(f"mutation score {score:.1f} % (killed / every mutant run; 'no tests' counts as not killed)")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
