"""Every option can come from TTSGEN_<OPTION>; the command line wins; a bad value names the
variable, not the option."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from tts_cli.cli import app


@pytest.fixture(autouse=True)
def _restore_logging(restore_logging):
    """In-process runs of the command leave logging as they found it."""


@pytest.fixture()
def book(tmp_path):
    p = tmp_path / "book.txt"
    p.write_text("A short book. It has two sentences. " * 20 + "\n", encoding="utf-8")
    return p


def _run(args, env):
    return CliRunner().invoke(app, [str(a) for a in args], env=env, terminal_width=200)


def test_every_option_shows_its_variable_in_help():
    out = " ".join(_run(["--help"], {}).stdout.split())
    for var in (
        "TTSGEN_MODEL_DIR",
        "TTSGEN_DEVICE",
        "TTSGEN_DTYPE",
        "TTSGEN_VOICE",
        "TTSGEN_QUIET",
        "TTSGEN_COMPILE",
        "TTSGEN_MAX_BOOK_MB",
        "TTSGEN_OUTPUT",
    ):
        assert f"env var: {var}" in out, var
    assert "TTSGEN_HELP" not in out and "TTSGEN_VERSION" not in out


def test_variables_set_options_and_the_command_line_wins(book):
    env = {"TTSGEN_CHUNK_CHARS": "60", "TTSGEN_JSON": "1", "TTSGEN_QUIET": "true"}
    plan = json.loads(_run([book, "--dry-run"], env).stdout)
    assert max(c["chars"] for c in plan["chunks"]) <= 60
    plan = json.loads(_run([book, "--dry-run", "--chunk-chars", "200"], env).stdout)
    assert max(c["chars"] for c in plan["chunks"]) > 60


def test_repeatable_paths_are_split_on_pathsep(book, tmp_path):
    env = {"TTSGEN_MODEL_DIR": os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b")])}
    result = _run([book, "-o", tmp_path / "out.wav"], env)
    assert result.exit_code == 4
    assert f"model folder not found: {tmp_path / 'a'}; pass TTSGEN_MODEL_DIR" in result.output


@pytest.mark.parametrize(
    "var, value, needle",
    [
        ("TTSGEN_BATCH_SIZE", "lots", "ttsgen: error: TTSGEN_BATCH_SIZE 'lots' is not a number"),
        ("TTSGEN_DEVICE", "tpu", "ttsgen: error: unknown TTSGEN_DEVICE 'tpu'; use one of"),
        ("TTSGEN_TEMPERATURE", "9", "ttsgen: error: TTSGEN_TEMPERATURE 9.0 is out of range"),
        ("TTSGEN_TEMPERATURE", "hot", "Invalid value for TTSGEN_TEMPERATURE"),
    ],
)
def test_a_bad_value_names_the_variable(book, tmp_path, monkeypatch, var, value, needle):
    from tts_cli.engine import device

    monkeypatch.setattr(device, "_cuda_available", lambda: False)
    monkeypatch.setattr("tts_cli.runner.models.prepare_models", _no_models)
    result = _run([book, "-o", tmp_path / "out.wav"], {var: value})
    assert result.exit_code == 2, result.output
    assert needle in result.output
    assert "--" + var[7:].lower().replace("_", "-") not in result.output.split("Error:")[-1]


def _no_models(*args, **kwargs):
    raise AssertionError("a bad value must stop the run before any model")
