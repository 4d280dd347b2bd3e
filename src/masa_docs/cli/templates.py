"""Commands added by the templates stage."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
