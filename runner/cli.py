"""The `juvonno-dq` command group."""

from __future__ import annotations

import os
import sys

import click

from runner import options
from runner.commands.bench import bench
from runner.commands.check_export import check_export
from runner.commands.demo import demo
from runner.commands.dev import dev
from runner.commands.generate import generate
from runner.commands.pull import pull
from runner.commands.run import run
from runner.exit_codes import ExitCode

# dbt must never phone home, wherever the runner is started from.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="juvonno-dq", prog_name="juvonno-dq")
def cli() -> None:
    """Check Juvonno patient groups against the SOP, nightly."""


cli.add_command(run)
cli.add_command(generate)
cli.add_command(demo)
cli.add_command(pull)
cli.add_command(dev)
cli.add_command(bench)
cli.add_command(check_export)

# --config before the command name (`juvonno-dq --config F run`) and after it
# (`juvonno-dq run --config F`), for every command, including ones added above later.
for _command in (cli, *cli.commands.values()):
    _command.params.insert(0, options.config_option())


def main() -> None:
    """Entry point. A usage or configuration error is exit 3 (bad configuration),
    never click's default 2, which the scheduler reads as a rejected export."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(ExitCode.CANNOT_RUN)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitCode.CANNOT_RUN)


if __name__ == "__main__":
    main()
