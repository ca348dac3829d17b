"""What the command prints besides progress: log setup, the one-line error of a failure
or of an unexpected exception, and the message of a stopped run (how to resume)."""

from __future__ import annotations

import logging
import sys
import warnings

import typer

from tts_cli import __version__
from tts_cli.cli_env import name_variables
from tts_cli.errors import TtsgenError

EXIT_INTERRUPTED = 130
"""SIGINT (Ctrl-C); other stop signals exit with 128 + their number (SIGTERM: 143)."""


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"ttsgen {__version__}")
        raise typer.Exit()


#: An unexpected exception (a bug, a torch RuntimeError): BSD's EX_SOFTWARE.
EXIT_UNEXPECTED = 70


def chunk_chars_help() -> str:
    # from the profile table, so the help cannot drift from what the chunker does
    from tts_cli.text.languages import PROFILES

    return (
        "Largest chunk in characters [default: per language, "
        f"{PROFILES['en'].max_chunk_chars} for English]."
    )


def unexpected(err: Exception, verbose: bool) -> typer.Exit:
    """One line for an exception no library error describes; the traceback only with -v.
    KeyboardInterrupt is no Exception and never comes here."""
    if verbose:
        import traceback

        traceback.print_exception(err, file=sys.stderr)
    message = str(err).strip().splitlines()[0] if str(err).strip() else ""
    typer.echo(
        f"ttsgen: error: unexpected {type(err).__name__}"
        f"{': ' + message if message else ''}; "
        + (
            "this is a bug in ttsgen or a library"
            if verbose
            else "run again with -v for the traceback"
        ),
        err=True,
    )
    return typer.Exit(code=EXIT_UNEXPECTED)


def fail(err: TtsgenError, env: dict[str, str] | None = None) -> typer.Exit:
    # One line, no traceback: what is wrong and what to do about it.
    typer.echo(f"ttsgen: error: {name_variables(str(err), env or {})}", err=True)
    return typer.Exit(code=err.exit_code)


def setup_logging(verbose: bool, quiet: bool) -> None:
    from rich.console import Console
    from rich.logging import RichHandler

    level = logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING
    handler = RichHandler(console=Console(stderr=True), show_time=False, show_path=False)
    logging.basicConfig(level=level, handlers=[handler], format="%(message)s", force=True)
    logging.getLogger("tts_cli").setLevel(level if verbose else max(level, logging.INFO))
    # Python warnings from the libraries become log lines: formatted like ours, hidden by -q
    logging.captureWarnings(True)
    # chatterbox's perceiver uses a torch context manager that torch has deprecated; the
    # warning says nothing a ttsgen user can act on
    warnings.filterwarnings(
        "ignore",
        message=r".*torch\.backends\.cuda\.sdp_kernel\(\)`? is deprecated",
        category=FutureWarning,
    )


def stopped(stop: BaseException) -> typer.Exit:
    """One line for a stopped run: what is kept and how to go on; exit 128 + the signal."""
    name = getattr(stop, "name", "SIGINT")
    work = getattr(stop, "work_dir", None)
    if work is None:
        line = f"stopped by {name} before any chunk was made; no output was written"
    else:
        line = (
            f"stopped by {name}: {stop.stored} of {stop.total} chunks of {stop.book} are "
            f"stored in {work}; run the same command again to resume"
        )
    typer.echo(f"ttsgen: {line}", err=True)
    return typer.Exit(code=getattr(stop, "exit_code", EXIT_INTERRUPTED))
