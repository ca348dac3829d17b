"""Compatibility shim: the Turbo (GPT-2) batched T3 lives in ``tts_cli.engine.t3.gpt2``."""

from tts_cli.engine.t3.gpt2 import BatchedTurboT3 as BatchedGPT2T3  # noqa: F401
