"""Several books in one call: which output each input gets.

``ttsgen a.txt b.epub -o out/`` writes ``out/a.m4b`` and ``out/b.m4b``: with several
inputs, or an ``-o`` that ends in ``/``, ``-o`` is a folder and each output is named by
``--output-template`` (default ``{stem}.{ext}``, ``ext`` from ``--format``, default m4b).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

from tts_cli.errors import OptionError

DEFAULT_FORMAT = "m4b"
DEFAULT_TEMPLATE = "{stem}.{ext}"
TEMPLATE_FIELDS = ("stem", "ext", "index", "name")


@dataclass(frozen=True)
class Book:
    """One input and the output it becomes."""

    input: str
    output: str | None
    """None only in a dry run without ``-o``."""
    index: int
    """Position among the inputs (0-based)."""


def is_folder_output(output: str | None, n_inputs: int, template: str | None) -> bool:
    """Whether ``-o`` names a folder of outputs rather than one output file."""
    if output is None or output == "-":
        return False
    return n_inputs > 1 or output.endswith(("/", "\\")) or template is not None


def plan_books(
    inputs: list[str],
    output: str | None,
    *,
    fmt: str | None = None,
    template: str | None = None,
    dry_run: bool = False,
) -> list[Book]:
    """Each input with its output; several inputs need ``-o DIR/`` (or a template);
    a dry run needs no output at all."""
    if output is None and dry_run:
        return [Book(source, None, i) for i, source in enumerate(inputs)]
    if fmt is not None and template is not None:
        raise OptionError(
            "--format and --output-template both set the outputs' names",
            "give one of them (the template's extension sets the format)",
        )
    if len(inputs) > 1 and output == "-":
        raise OptionError(
            "several books cannot all be written to stdout", "give -o DIR/ for their outputs"
        )
    if len(inputs) > 1 and output is None:
        raise OptionError("no output folder given", "add -o DIR/ for the audiobooks")
    if not is_folder_output(output, len(inputs), template):
        if fmt is not None:
            raise OptionError(
                "--format only applies when -o is a folder",
                "end -o in the format's extension instead (book.mp3), or give -o DIR/",
            )
        return [Book(inputs[0], output, 0)] if inputs else []
    if output == "-":
        raise OptionError(
            "several books cannot all be written to stdout", "give -o DIR/ for their outputs"
        )
    if output is None:
        raise OptionError("no output folder given", "add -o DIR/ for the audiobooks")
    if inputs.count("-") > 1:
        raise OptionError("stdin (-) can be read only once", "give - at most once")
    folder = Path(output).expanduser()
    if folder.exists() and not folder.is_dir():
        raise OptionError(
            f"-o {output} is a file, but several books need a folder",
            "give -o DIR/ (a folder, created if missing)",
        )
    pattern = template or DEFAULT_TEMPLATE
    _check_template(pattern)
    ext = (fmt or DEFAULT_FORMAT).lstrip(".").lower()
    books, seen = [], {}
    for i, source in enumerate(inputs):
        stem = "stdin" if source == "-" else Path(source).stem
        name = "stdin" if source == "-" else Path(source).name
        target = folder / pattern.format(stem=stem, ext=ext, index=i + 1, name=name)
        if str(target) in seen:
            raise OptionError(
                f"{source} and {seen[str(target)]} would both be written to {target}",
                "rename one input, or use --output-template '{index}-{stem}.{ext}'",
            )
        seen[str(target)] = source
        books.append(Book(source, str(target), i))
    return books


def _check_template(pattern: str) -> None:
    try:
        used = {f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None}
    except ValueError as exc:
        raise OptionError(
            f"--output-template {pattern!r} is malformed ({exc})", "use e.g. '{stem}.m4b'"
        ) from None
    unknown = used - set(TEMPLATE_FIELDS)
    if unknown:
        raise OptionError(
            f"--output-template uses unknown field(s) {', '.join(sorted(unknown))}",
            f"use {', '.join('{' + f + '}' for f in TEMPLATE_FIELDS)}",
        )
    if "/" in pattern or "\\" in pattern:
        raise OptionError("--output-template names a file, not a path", "put the folder in -o DIR/")
