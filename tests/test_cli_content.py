"""The content commands on the command line: validate, schema, init, schedule, plus --help and
--version for every command registered on ``main``."""

from __future__ import annotations

import json
from pathlib import Path

import click
import jsonschema
import pytest
from click.testing import CliRunner, Result

from conftest import copy_content
from masa_docs import __version__
from masa_docs.cli import main
from masa_docs.errors import Diagnostic
from masa_docs.load import LoadedContent, read_yaml
from masa_docs.model import TOPIC_FILES
from masa_docs.model.schedule import schedule
from masa_docs.schema import schema_names


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _commands(
    group: click.Group, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], click.Command]]:
    """Every command under ``group``, nested groups included, as (path, command)."""
    out = []
    for name, cmd in sorted(group.commands.items()):
        out.append(((*prefix, name), cmd))
        if isinstance(cmd, click.Group):
            out.extend(_commands(cmd, (*prefix, name)))
    return out


COMMANDS = _commands(main)


# ---------------------------------------------------------------------- validate


def test_validate_the_example(example_root: Path, example: LoadedContent) -> None:
    result = run("validate", "--content", str(example_root))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert f"{example_root}: valid" in result.stdout
    assert "NESCP, 2 areas, 4 partners, 10 relevant agencies, 2 yearly reports" in result.stdout
    assert example.short_fingerprint in result.stdout


def test_validate_defaults_to_content_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_content(tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("content: valid")


# ---------------------------------------------------------------------- help and version


def test_the_content_commands_are_registered() -> None:
    assert {"validate", "schema", "init", "schedule"} <= set(main.commands)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help(path: tuple[str, ...], command: click.Command) -> None:
    assert (command.help or "").strip(), f"'{' '.join(path)}' has no help text"
    assert command.get_short_help_str().strip()
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Usage: main {' '.join(path)} ")
    assert command.get_short_help_str()[:20] in " ".join(result.stdout.split())
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"option {param.opts} of '{' '.join(path)}' has no help"


def test_main_help_lists_every_command() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for name in main.commands:
        assert f"  {name} " in result.stdout
    assert "Exit codes" in result.stdout
    assert run("-h").stdout == result.stdout


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"masa-docs, version {__version__}"


def test_unknown_command_is_a_usage_error() -> None:
    result = run("valdate")
    assert result.exit_code == 2
    assert "No such command" in result.stderr
    assert "Traceback" not in result.output


# ---------------------------------------------------------------------- schema


def test_schema_partners_prints_a_valid_json_schema() -> None:
    result = run("schema", "partners")
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "array"  # (minItems: 3 is lost: the schema is built from the annotation)
    partner = schema["$defs"]["Partner"]
    assert partner["additionalProperties"] is False
    assert {"id", "kind", "lsp", "dsp", "delegations"} <= set(partner["required"])
    assert partner["properties"]["kind"]["enum"] == ["local_authority", "icb", "police"]


def test_schema_without_a_name_lists_the_names() -> None:
    result = run("schema")
    assert result.exit_code == 0
    for name in schema_names():
        assert name in result.stdout


def test_schema_of_an_unknown_file_suggests_one() -> None:
    result = run("schema", "partner")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "error: no content file named 'partner'" in result.stderr
    assert "hint: did you mean 'partners'?" in result.stderr


def test_schema_out_writes_every_schema(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    result = run("schema", "--out", str(out))
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(f"{n}.schema.json" for n in schema_names())
    assert {f[:-5] for f in TOPIC_FILES.values()} | {"report"} == set(schema_names())
    for path in out.iterdir():
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))
    assert result.stdout.count("wrote ") == len(written)


def test_the_example_matches_the_published_schemas(tmp_path: Path, example_root: Path) -> None:
    """What an editor with the schemas accepts is what the loader accepts."""
    out = tmp_path / "schemas"
    assert run("schema", "--out", str(out)).exit_code == 0
    files = {f[:-5]: example_root / f for f in TOPIC_FILES.values()}
    files |= {f"report {p.stem}": p for p in sorted((example_root / "reports").glob("*.yaml"))}
    for name, path in files.items():
        diags: list[Diagnostic] = []
        got = read_yaml(path, path.name, (), diags)
        assert got is not None, diags
        schema = json.loads((out / f"{name.split()[0]}.schema.json").read_text(encoding="utf-8"))
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(got[0]))
        assert not errors, f"{path.name}: {[e.message for e in errors][:3]}"


# ---------------------------------------------------------------------- init


def test_init_creates_a_folder_that_validates(tmp_path: Path, example_root: Path) -> None:
    dest = tmp_path / "new-partnership"
    result = run("init", str(dest))
    assert result.exit_code == 0, result.output
    copied = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    shipped = sorted(p.relative_to(example_root).as_posix() for p in example_root.rglob("*") if p.is_file())
    assert copied == [name for name in shipped if name != "signatures.yaml"]  # nobody has signed yet
    assert f"Created {dest} with {len(copied)} files" in result.stdout
    assert f"masa-docs validate --content {dest}" in result.stdout
    check = run("validate", "--content", str(dest))
    assert check.exit_code == 0, check.output


def test_init_into_an_empty_existing_folder(tmp_path: Path) -> None:
    dest = tmp_path / "empty"
    dest.mkdir()
    assert run("init", str(dest)).exit_code == 0
    assert (dest / "partners.yaml").is_file()


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    dest = tmp_path / "busy"
    dest.mkdir()
    (dest / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run("init", str(dest))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert f"error: {dest} exists and is not empty" in result.stderr
    assert "hint: choose a new folder, or pass --force to overwrite" in result.stderr
    assert sorted(p.name for p in dest.iterdir()) == ["notes.txt"]


def test_init_force_overwrites(tmp_path: Path, example_root: Path) -> None:
    dest = tmp_path / "busy"
    dest.mkdir()
    (dest / "partners.yaml").write_text("- broken\n", encoding="utf-8")
    result = run("init", "--force", str(dest))
    assert result.exit_code == 0, result.output
    assert (dest / "partners.yaml").read_bytes() == (example_root / "partners.yaml").read_bytes()


# ---------------------------------------------------------------------- schedule


def test_schedule_lists_every_category_and_marks_unverified_ones() -> None:
    result = run("schedule")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    cats = schedule()
    assert len(lines) == len(cats)
    for line, cat in zip(lines, cats.values(), strict=True):
        assert line.startswith(cat.key)
        assert cat.label in line
        assert ("unverified" in line) is (not cat.verified)
    assert "para 1 " in lines[0]
