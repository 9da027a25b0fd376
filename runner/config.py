"""The TOML config file (`--config FILE`, before or after the command name).

One table per command (`[run]`, `[generate]`, `[demo]`, `[dev]`, ...), each key an
option's parameter name (`export_dir`, `keep_runs`). Values are defaults: flags
and `JUVONNO_DQ_*` variables win over them.

- An unknown table or key is a configuration error (exit 3) naming it and the
  nearest valid name: a typo must not silently fall back to a default.
- A relative path value is relative to the config file's folder, so a deployed
  `/etc/juvonno-dq/juvonno-dq.toml` means the same from any working directory.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

CONFIG_PATH_KEY = "juvonno_dq.config_path"  # in ctx.meta (shared by nested contexts)


def option_names(command: click.Command) -> dict[str, click.Parameter]:
    """The keys a command's table may hold: its exposed parameters."""
    return {p.name: p for p in command.params if p.name and p.expose_value}


def _nearest(word: str, choices: list[str]) -> str:
    match = difflib.get_close_matches(word.replace("-", "_"), choices, n=1, cutoff=0.5)
    return f"did you mean {match[0]!r}?" if match else f"valid: {', '.join(sorted(choices))}"


def read_config(path: Path, commands: Mapping[str, click.Command]) -> dict[str, dict[str, Any]]:
    """{command: {parameter: default}} from the file, checked against the commands' options."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise click.BadParameter(
            f"{path}: {exc.strerror or exc}", param_hint="'--config'"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise click.BadParameter(
            f"{path}: not valid TOML: {exc}", param_hint="'--config'"
        ) from None
    tables = sorted(commands)
    defaults: dict[str, dict[str, Any]] = {}
    for table, values in data.items():
        if table not in commands:
            raise click.BadParameter(
                f"{path}: unknown table [{table}] ({_nearest(table, tables)})",
                param_hint="'--config'",
            )
        if not isinstance(values, dict):
            raise click.BadParameter(
                f"{path}: {table!r} must be a table [{table}] of options, not a value",
                param_hint="'--config'",
            )
        params = option_names(commands[table])
        defaults[table] = {}
        for key, value in values.items():
            if key not in params:
                raise click.BadParameter(
                    f"{path}: unknown key {key!r} in [{table}] ({_nearest(key, sorted(params))})",
                    param_hint="'--config'",
                )
            if isinstance(params[key].type, click.Path) and isinstance(value, str):
                value = str(
                    path.parent / Path(value).expanduser()
                )  # relative to the file; absolute stays
            defaults[table][key] = value
    return defaults


def apply_config_file(ctx: click.Context, _param: click.Parameter, path: Path | None) -> None:
    """Eager --config callback, on the group and on every command."""
    if path is None:
        return
    root = ctx.find_root().command
    commands = root.commands if isinstance(root, click.Group) else {ctx.info_name or "": root}
    defaults = read_config(path, commands)
    ctx.meta[CONFIG_PATH_KEY] = path
    if isinstance(ctx.command, click.Group):
        ctx.default_map = defaults  # each command's context takes its own table
    else:
        ctx.default_map = defaults.get(ctx.info_name or "", {})


def source_of(ctx: click.Context, name: str) -> str | None:
    """Where an option's value came from, in words; None when it is the built-in default."""
    source = ctx.get_parameter_source(name)
    param = next((p for p in ctx.command.params if p.name == name), None)
    if param is None or source in (None, ParameterSource.DEFAULT):
        return None
    if source is ParameterSource.COMMANDLINE:
        return f"the {param.opts[0]} flag" if param.opts else "the command line"
    if source is ParameterSource.ENVIRONMENT:
        envvar = param.envvar if isinstance(param.envvar, str) else "the environment"
        return f"environment {envvar}"
    if source is ParameterSource.DEFAULT_MAP:
        return f"config file {ctx.meta.get(CONFIG_PATH_KEY, '')} [{ctx.info_name}] {name}".replace(
            "  ", " "
        )
    return str(source.name).lower()
