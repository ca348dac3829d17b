"""Messages that misled: help from the code's table, the exact device asked, a folder as
output, options the stock engine ignores, and unexpected exceptions as one line (exit 70)."""

from __future__ import annotations

import logging

import pytest
from typer.testing import CliRunner

from tts_cli import runner
from tts_cli.cli import EXIT_UNEXPECTED, app
from tts_cli.errors import OutputError


@pytest.fixture(autouse=True)
def _restore_logging(restore_logging):
    """In-process runs of the command leave logging as they found it."""


@pytest.fixture()
def book(tmp_path):
    p = tmp_path / "book.txt"
    p.write_text("A short book. It has two sentences.\n", encoding="utf-8")
    return p


def test_chunk_chars_help_says_the_chunkers_english_maximum():
    from tts_cli.text.languages import PROFILES

    result = CliRunner().invoke(app, ["--help"], terminal_width=200)
    assert f"per language, {PROFILES['en'].max_chunk_chars} for English" in result.stdout
    assert PROFILES["en"].max_chunk_chars == 270


def test_device_error_names_the_exact_device(monkeypatch):
    from tts_cli.engine import device
    from tts_cli.errors import DeviceError

    monkeypatch.setattr(device, "_cuda_available", lambda: False)
    with pytest.raises(DeviceError, match=r"^--device cuda:7 was requested but CUDA"):
        device.resolve_device("cuda:7")


def test_device_index_beyond_the_gpus_is_an_error(monkeypatch):
    import torch

    from tts_cli.engine import device
    from tts_cli.errors import DeviceError

    monkeypatch.setattr(device, "_cuda_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert device.resolve_device("cuda:1") == "cuda:1"
    with pytest.raises(
        DeviceError,
        match=r"^--device cuda:7 was requested but this machine has GPUs cuda:0 to cuda:1; ",
    ):
        device.resolve_device("cuda:7")


def test_output_that_is_a_folder_says_so(tmp_path):
    from tts_cli.audio import AssemblyOptions, check_output

    with pytest.raises(OutputError, match="output is a folder") as err:
        check_output(str(tmp_path), AssemblyOptions())
    assert f"give a file name like {tmp_path / 'book.m4b'}" in str(err.value)
    assert "extension" not in str(err.value)


def test_stock_engine_warns_about_fast_engine_options(book, caplog):
    req = runner.RunRequest(
        input=str(book), output=None, engine="stock", dtype="bfloat16", dry_run=True
    )
    with caplog.at_level(logging.WARNING, logger="tts_cli.runner"):
        runner.execute(req)
    msgs = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("--dtype has no effect with --engine stock") for m in msgs), msgs


def _boom(req):
    raise RuntimeError("CUDA error: an illegal memory access was encountered\nmore detail")


def test_unexpected_exception_is_one_line_with_exit_70(book, monkeypatch):
    monkeypatch.setattr(runner, "execute", _boom)
    result = CliRunner().invoke(app, [str(book), "--dry-run"])
    assert result.exit_code == EXIT_UNEXPECTED == 70
    assert "Traceback" not in result.output
    assert result.output.strip() == (
        "ttsgen: error: unexpected RuntimeError: CUDA error: an illegal memory access was "
        "encountered; run again with -v for the traceback"
    )


def test_unexpected_exception_with_verbose_prints_the_traceback(book, monkeypatch):
    monkeypatch.setattr(runner, "execute", _boom)
    result = CliRunner().invoke(app, [str(book), "--dry-run", "-v"])
    assert result.exit_code == 70
    assert "Traceback (most recent call last)" in result.output
    assert "in _boom" in result.output


def test_keyboard_interrupt_is_not_taken_for_an_unexpected_error(book, monkeypatch):
    def interrupt(req):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "execute", interrupt)
    result = CliRunner().invoke(app, [str(book), "--dry-run"])
    assert result.exit_code == 130
    assert "unexpected" not in result.output
