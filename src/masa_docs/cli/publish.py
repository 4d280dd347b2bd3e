"""Commands added by the publish stage."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
