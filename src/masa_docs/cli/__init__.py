"""The ``masa-docs`` command line: a thin layer over the library.

Each command module imports only light modules at import time; renderers are imported
inside the commands, so ``masa-docs --help`` starts fast.
"""

from __future__ import annotations

import logging

import click

from .. import __version__
from . import check as _check
from . import content as _content
from . import data as _data
from . import diff as _diff
from . import publish as _publish
from . import serve as _serve
from . import signing as _signing
from . import templates as _templates


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="masa-docs")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors and debug logs.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@click.pass_context
def main(ctx: click.Context, debug: bool, quiet: bool) -> None:
    """Build a children's safeguarding partnership's statutory documents from plain files.

    Content lives in a folder (default: content/) of YAML files for facts and Markdown files
    for narrative. Start with 'masa-docs init DIR', check it with 'masa-docs validate', and
    build everything with 'masa-docs publish'.

    Exit codes: 0 success, 1 a check or lint failed, 2 invalid content or usage.
    """
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    ctx.obj = {"debug": debug, "quiet": quiet}
    ctx.default_map = _config_defaults(ctx)


# Settings of masa-docs.toml -> the parameter that every command taking it calls it.
_CONFIG_PARAMS = {
    "content": "content_dir",
    "output": "out_dir",
    "templates": "templates_dir",
    "edition": "edition",
}


def _config_defaults(ctx: click.Context) -> dict[str, dict[str, object]] | None:
    """Defaults from masa-docs.toml (or [tool.masa-docs] in pyproject.toml) in the current folder,
    for every command with a matching option; options given on the command line win."""
    if ctx.resilient_parsing:
        return None
    from ..config import find_config
    from ..errors import MasaError

    try:
        config = find_config()
    except MasaError as exc:
        click.secho(f"error: {exc.message}", fg="red", err=True)
        if exc.hint:
            click.echo(f"    hint: {exc.hint}", err=True)
        ctx.exit(2)
    if config is None:
        return None
    defaults: dict[str, dict[str, object]] = {}
    for name, command in main.commands.items():
        params = {p.name for p in command.params}
        for key, param in _CONFIG_PARAMS.items():
            value = getattr(config, key)
            if value is not None and param in params:
                defaults.setdefault(name, {})[param] = value
    return defaults


for _module in (_content, _publish, _check, _templates, _data, _serve, _signing, _diff):
    for _command in _module.COMMANDS:
        main.add_command(_command)
