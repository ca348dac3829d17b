"""Keep README's copy of ``ttsgen --help`` equal to the live command line.

python -m tts_cli.docs --check README.md   # exit 1 if it drifted
python -m tts_cli.docs --write README.md   # regenerate the block
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

START = "<!-- ttsgen-help:start -->"
END = "<!-- ttsgen-help:end -->"
WIDTH = 100


def render_help() -> str:
    """``ttsgen --help`` as plain text at a fixed width."""
    from typer.testing import CliRunner

    from tts_cli.cli import app

    result = CliRunner().invoke(
        app,
        ["--help"],
        prog_name="ttsgen",
        env={"COLUMNS": str(WIDTH), "NO_COLOR": "1", "TERM": "dumb"},
        terminal_width=WIDTH,
    )
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    return "\n".join(lines).strip() + "\n"


def block(help_text: str) -> str:
    return f"{START}\n```text\n{help_text}```\n{END}"


def replace_block(readme: str, help_text: str) -> str:
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if not pattern.search(readme):
        raise SystemExit(f"README has no {START} ... {END} block")
    return pattern.sub(lambda _: block(help_text), readme)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", type=Path, help="fail if this file's help block is stale")
    mode.add_argument("--write", type=Path, help="rewrite this file's help block")
    args = parser.parse_args(argv)
    path = args.check or args.write
    current = path.read_text(encoding="utf-8")
    updated = replace_block(current, render_help())
    if args.write:
        path.write_text(updated, encoding="utf-8")
        return 0
    if updated != current:
        print(f"{path}: the ttsgen --help block is stale; run `make docs`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
