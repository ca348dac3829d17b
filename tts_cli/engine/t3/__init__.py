"""Batched T3 decoders: Llama (English, multilingual with the alignment guard) and GPT-2 (Turbo)."""

from tts_cli.engine.t3.alignment import AlignmentGuard, GuardRules
from tts_cli.engine.t3.gpt2 import BatchedTurboT3
from tts_cli.engine.t3.llama import BatchedT3

__all__ = ["AlignmentGuard", "BatchedT3", "BatchedTurboT3", "GuardRules"]
