"""README's copy of ``ttsgen --help`` is the live one: docs cannot drift from the CLI."""

from __future__ import annotations

from pathlib import Path

from tts_cli.docs import render_help, replace_block

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_help_block_matches_the_live_cli():
    current = README.read_text(encoding="utf-8")
    assert replace_block(current, render_help()) == current, "README help is stale: run `make docs`"


def test_every_option_in_the_help_is_explained_in_the_readme_body():
    text = README.read_text(encoding="utf-8")
    body = text.split("<!-- ttsgen-help:start -->")[0] + text.split("<!-- ttsgen-help:end -->")[1]
    import re

    flags = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]+", render_help())) - {"--help"}
    missing = sorted(f for f in flags if f not in body)
    assert missing == [], f"options without a README explanation: {missing}"
