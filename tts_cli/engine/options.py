"""Settings of the fast engine: frozen, documented, validated before any model work."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tts_cli.errors import OptionError

DTYPES = ("auto", "float32", "bfloat16", "float16")
CPU_BATCH_SIZE = 8  # chunks per batch on CPU: T3 at 16 rows costs ~2x one chunk's 2 rows per step
MAX_AUTO_BATCH = 64  # beyond ~64 chunks T3 is KV-bandwidth bound and latency only grows
AUTO_MEMORY_FRACTION = 0.6  # share of free GPU memory the auto batch size plans to use


@dataclass(frozen=True)
class EngineOptions:
    """How the fast engine runs; none of these change what the audio says."""

    dtype: str = "auto"
    """auto|float32|bfloat16|float16 for T3 and the flow decoder. auto: the model's dtype
    (bfloat16 on GPUs from compute capability 8.0 and on CPUs with native bf16, float16 on
    older GPUs, else float32). The vocoder, speech tokenizer, voice encoder and rotary
    tables always run in float32."""
    compile: bool | None = None
    """Capture the T3 decode step as CUDA graphs (bucketed cache lengths). None: on for
    CUDA, off on CPU; True on CPU tries ``torch.compile``. Failures warn and run eagerly."""
    batch_size: int | str = "auto"
    """Chunks decoded together, or "auto": from free GPU memory on CUDA, 8 on CPU."""
    cleanup_every: int | None = None
    """Free cached GPU memory every N batches; None: max(5, batches // 3)."""
    cpu_offload: bool = False
    """Keep the submodel that a phase does not use on the CPU (small GPUs)."""
    voice_cache: bool = True
    """Cache a voice file's conditionals on disk, keyed by its content and the model."""
    voice_cache_dir: Path | None = None
    """Where cached voices live; None: $TTSGEN_VOICE_CACHE or $XDG_CACHE_HOME/ttsgen/voices."""
    check_every: int = 8
    """Decode steps between looks at the stop tokens (each look syncs with the host)."""
    cpu_decode_threads: int | str | None = "auto"
    """Intra-op threads for T3 decode steps on CPU: "auto" times 1 thread against torch's
    count every 32 steps and keeps the faster (one thread wins on a busy machine, where a
    second thread makes every step wait), N fixes it, None leaves torch's setting."""
    cpu_packed_weights: bool = True
    """On a CPU in float32 (or native bfloat16), run the linear layers of T3 and the flow decoder on weights
    packed once by oneDNN: decode steps ~3x faster, the flow decoder ~7 %, the same
    float32 arithmetic. The packed copy replaces the original weights while the engine
    runs (no extra memory) and they are restored exactly on close; packing takes 1-3 s.
    False uses torch's default linear."""

    def validate(self) -> None:
        """Raise ``OptionError`` naming the allowed values."""
        if self.dtype not in DTYPES:
            raise OptionError(f"unknown --dtype {self.dtype!r}", f"use one of: {', '.join(DTYPES)}")
        if self.compile not in (None, True, False):
            raise OptionError(
                f"--compile must be on or off, got {self.compile!r}",
                "use --compile or --no-compile",
            )
        bs = self.batch_size
        if isinstance(bs, str):
            if bs != "auto" and not bs.isdigit():
                raise OptionError(
                    f"--batch-size {bs!r} is not a number", "use auto or a whole number >= 1"
                )
            if bs.isdigit() and int(bs) < 1:
                raise OptionError(
                    f"--batch-size {bs} is too small", "use auto or a whole number >= 1"
                )
        elif isinstance(bs, bool) or not isinstance(bs, int) or bs < 1:
            raise OptionError(f"--batch-size {bs!r} is invalid", "use auto or a whole number >= 1")
        ce = self.cleanup_every
        if ce is not None and (isinstance(ce, bool) or not isinstance(ce, int) or ce < 1):
            raise OptionError(
                f"--cleanup-every {ce!r} is invalid", "use a whole number of batches >= 1"
            )
        cdt = self.cpu_decode_threads
        if cdt not in (None, "auto") and (
            isinstance(cdt, bool) or not isinstance(cdt, int) or cdt < 1
        ):
            raise OptionError(
                f"cpu_decode_threads {cdt!r} is invalid", "use auto, None or a whole number >= 1"
            )
        if not isinstance(self.cpu_packed_weights, bool):
            raise OptionError(
                f"cpu_packed_weights {self.cpu_packed_weights!r} is invalid", "use True or False"
            )
        if (
            isinstance(self.check_every, bool)
            or not isinstance(self.check_every, int)
            or self.check_every < 1
        ):
            raise OptionError(
                f"check_every {self.check_every!r} is invalid", "use a whole number of steps >= 1"
            )

    @property
    def fixed_batch_size(self) -> int | None:
        """The batch size asked for, or None for auto."""
        bs = self.batch_size
        if isinstance(bs, str):
            return None if bs == "auto" else int(bs)
        return bs


def auto_batch_size(free_bytes: int, per_chunk_bytes: int, cap: int = MAX_AUTO_BATCH) -> int:
    """Chunks that fit in ``AUTO_MEMORY_FRACTION`` of ``free_bytes``; never below 1."""
    if per_chunk_bytes <= 0:
        return cap
    return max(1, min(cap, int(free_bytes * AUTO_MEMORY_FRACTION) // per_chunk_bytes))


def per_chunk_bytes(
    t3_cfg, dtype_bytes: int, max_tokens: int, prompt_frames: int = 500, rows: int = 2
) -> int:
    """Rough GPU memory one chunk needs while decoding: KV cache of its ``rows`` (2 with CFG,
    1 without: Turbo, or ``--cfg-weight 0``) plus S3Gen activations of 2 CFG rows (256 channels
    x ~30 live tensors per frame). Reads Llama and GPT-2 configs alike."""
    layers = t3_cfg.num_hidden_layers
    heads = t3_cfg.num_attention_heads
    kv_heads = getattr(t3_cfg, "num_key_value_heads", None) or heads
    head_dim = getattr(t3_cfg, "head_dim", None) or t3_cfg.hidden_size // heads
    length = 400 + max_tokens  # conditioning + text + speech
    kv = 2 * layers * rows * kv_heads * length * head_dim * dtype_bytes
    frames = prompt_frames + 2 * max_tokens
    s3gen = 2 * frames * 256 * 30 * 4
    return kv + s3gen
