"""Compatibility shim: the batched T3 lives in ``tts_cli.engine.t3``."""

from tts_cli.engine.t3 import BatchedT3  # noqa: F401
