"""Commands added by the check stage."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
