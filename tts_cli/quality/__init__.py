"""The quality gate: suspect-chunk checks (``checks``), speaking rates (``rates``) and the
retry/split policy around an engine (``retry.gate``)."""

from tts_cli.quality.checks import REASONS, GateOptions, Verdict, assess
from tts_cli.quality.rates import expected_seconds
from tts_cli.quality.retry import GatedChunk, gate, in_order

__all__ = ["REASONS", "GateOptions", "GatedChunk", "Verdict", "assess", "expected_seconds",
           "gate", "in_order"]  # fmt: skip
