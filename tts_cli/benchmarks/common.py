"""What the benchmark scripts share: the model folder they measure, and how they print."""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def model_folder(
    given: Path | None, size: str, variants: tuple[str, ...] = ("english",)
) -> Iterator[Path]:
    """``given`` (a real or prepared model folder), or random-weight checkpoints of ``size``
    for each of ``variants`` written to a temp folder that is removed afterwards (model
    cost does not depend on weight values)."""
    if given is not None:
        yield given
        return
    from tts_cli.testing.checkpoint import write_checkpoint

    with tempfile.TemporaryDirectory(prefix="ttsgen-bench-model-") as tmp:
        model = Path(tmp) / "model"
        for variant in variants:
            write_checkpoint(model, size=size, seed=0, variant=variant)
        yield model


def print_report(report: dict, as_json: bool) -> None:
    """One JSON line for scripts, or aligned ``key value`` lines for people."""
    if as_json:
        print(json.dumps(report))
        return
    width = max((len(k) for k in report), default=0) + 2
    for k, v in report.items():
        print(f"{k:{width}} {v}")
