"""The command line's light paths: --help stays light, --version, documented options."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from tts_cli import __version__
from tts_cli.cli import app

HELP_PROBE = """
import sys
sys.argv = ["ttsgen", "--help"]
from tts_cli.cli import main
try:
    main()
except SystemExit as e:
    code = e.code
heavy = sorted(m for m in ("torch", "chatterbox", "transformers", "librosa") if m in sys.modules)
print("HEAVY:" + ",".join(heavy), "CODE:%s" % code)
"""


def test_help_does_not_import_torch_or_chatterbox():
    proc = subprocess.run(
        [sys.executable, "-c", HELP_PROBE], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY: CODE:0" in proc.stdout, proc.stdout[-500:]
    assert "--output" in proc.stdout and "--max-new-tokens" in proc.stdout


def test_version_prints_the_package_version():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"ttsgen {__version__}"


def test_help_lists_every_option_named_by_the_issues():
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"}, terminal_width=200)
    assert result.exit_code == 0
    for flag in (
        "--voice",
        "--device",
        "--model-dir",
        "--max-new-tokens",
        "--seed",
        "--exaggeration",
        "--cfg-weight",
        "--temperature",
        "--json",
        "--version",
        "--lang",
        "--chunk-chars",
        "--dry-run",
        "--crossfade-ms",
        "--pause-chunk-ms",
        "--pause-paragraph-ms",
        "--pause-chapter-ms",
        "--loudness",
        "--no-normalize",
        "--sample-format",
        "--title",
        "--author",
        "--cover",
        "--subtitles",
        "--engine",
        "--dtype",
        "--compile",
        "--batch-size",
        "--cfm-steps",
        "--cleanup-every",
        "--cpu-offload",
    ):
        assert flag in result.stdout, flag


def test_library_warnings_become_log_lines_and_the_perceiver_deprecation_is_dropped(capsys):
    import logging
    import warnings

    from tts_cli.cli import setup_logging as _setup_logging

    root, ours = logging.getLogger(), logging.getLogger("tts_cli")
    saved = (root.level, list(root.handlers), ours.level)
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        try:
            _setup_logging(verbose=False, quiet=False)
            warnings.warn(
                "`torch.backends.cuda.sdp_kernel()` is deprecated. In the future, this context "
                "manager will be removed.",
                FutureWarning,
                stacklevel=1,
            )
            warnings.warn("resampling changed the clip's length", UserWarning, stacklevel=1)
            err = capsys.readouterr().err
            assert "sdp_kernel" not in err
            assert "resampling changed the clip's length" in err
            assert "Traceback" not in err

            _setup_logging(verbose=False, quiet=True)  # -q: errors only
            warnings.warn("a second library warning", UserWarning, stacklevel=1)
            assert "a second library warning" not in capsys.readouterr().err
        finally:  # leave logging as other tests expect it
            logging.captureWarnings(False)
            root.handlers[:] = saved[1]
            root.setLevel(saved[0])
            ours.setLevel(saved[2])
