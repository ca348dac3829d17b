"""What a batch costs in accelerator memory: every buffer the fast engine allocates, as a formula.

The auto batch size plans with this, and ``tests/test_engine_t3_buckets.py`` checks it on
the CPU against the tensors a decode really creates (the buffers exactly, the peak of all
live tensors as an upper bound). Names: ``B`` chunks, ``R`` rows (``2B`` with CFG), ``N``
layers, ``H``/``Hk`` attention/key-value heads, ``D`` head dim, ``E`` hidden size, ``F``
MLP width, ``V`` speech vocabulary, ``L`` cache positions per row, ``W`` padded prompt
after the conditioning, ``P`` prefill length (conditioning + ``W``), ``T`` token budget,
``d`` bytes per element of the model's dtype.

A batch holds the static buffers (``t3_static_bytes``) from its prefill to its end, S3Gen
included (the KV cache stays allocated unless ``--cpu-offload``), and on top of them the
largest transient of one phase: the prefill, one decode step, a compaction, or S3Gen.
"""

from __future__ import annotations

from dataclasses import dataclass

from tts_cli.engine.options import AUTO_MEMORY_FRACTION, MAX_AUTO_BATCH

CACHE_GROWTH = 1.25  # the decoder grows its cache by this factor when a batch outgrows it
SAMPLING_BYTES_PER_LOGIT = 48  # ~8 float32 (B, V) temporaries of the filters + int64 indices
ACTIVATION_COPIES = 8  # hidden-size tensors alive at once in a layer (x, q, k, v, rotated, o)
MLP_COPIES = 3  # F-wide tensors alive at once in the MLP (gate, up, their product)
S3GEN_LIVE_PER_FRAME = 256 * 30  # 256 channels x ~30 live tensors per frame, float32


@dataclass(frozen=True)
class T3Geometry:
    """The shape of a T3 as the memory formula needs it."""

    layers: int
    heads: int
    kv_heads: int
    head_dim: int
    hidden: int
    intermediate: int
    speech_vocab: int
    rotary: bool
    """Llama: the decoder keeps cos/sin tables of ``L x D`` (GPT-2 has learned positions)."""

    @classmethod
    def from_config(cls, cfg, speech_vocab: int = 8194) -> T3Geometry:
        """From a Hugging Face Llama or GPT-2 config (``t3.tfmr.config``)."""
        heads = cfg.num_attention_heads
        hidden = cfg.hidden_size
        gpt2 = getattr(cfg, "model_type", "") == "gpt2"
        inner = getattr(cfg, "n_inner", None) if gpt2 else getattr(cfg, "intermediate_size", None)
        return cls(
            layers=cfg.num_hidden_layers,
            heads=heads,
            kv_heads=getattr(cfg, "num_key_value_heads", None) or heads,
            head_dim=getattr(cfg, "head_dim", None) or hidden // heads,
            hidden=hidden,
            intermediate=inner or 4 * hidden,
            speech_vocab=speech_vocab,
            rotary=not gpt2,
        )

    @classmethod
    def from_t3(cls, t3) -> T3Geometry:
        return cls.from_config(t3.tfmr.config, t3.hp.speech_tokens_dict_size)


@dataclass(frozen=True)
class DecodeShape:
    """The sizes of one batched decode."""

    chunks: int
    rows: int
    cache_len: int
    """``L``: positions per row of the static cache (prefill + budget, or more once grown)."""
    prompt_width: int
    """``W``: the padded prompt after the conditioning (text + start tokens)."""
    cond_len: int
    """Conditioning positions shared by every row."""
    max_budget: int

    @property
    def prefill_len(self) -> int:
        return self.cond_len + self.prompt_width


def t3_static_bytes(g: T3Geometry, s: DecodeShape, dtype_bytes: int) -> dict[str, int]:
    """Buffers held for the whole batch, by name."""
    r, b, v = s.rows, s.chunks, g.speech_vocab
    return {
        # 2 N R Hk L D d: keys and values of every layer, CFG rows included
        "kv_cache": 2 * g.layers * r * g.kv_heads * s.cache_len * g.head_dim * dtype_bytes,
        # int64 token and padding per row, step, base slot and conditioning length
        "step_inputs": (2 * r + 3) * 8,
        # cos and sin, L x D each
        "rotary": 2 * s.cache_len * g.head_dim * dtype_bytes if g.rotary else 0,
        # tokens out (B x T int64), seen mask (B x V bool), done/budget/ids/keys per chunk
        "loop_state": b * s.max_budget * 8 + b * v + b * (1 + 3 * 8),
    }


def t3_transient_bytes(g: T3Geometry, s: DecodeShape, dtype_bytes: int) -> dict[str, int]:
    """The peak above the static buffers of each phase of a decode, by phase."""
    d, r, b = dtype_bytes, s.rows, s.chunks
    w, p, length = s.prompt_width, s.prefill_len, s.cache_len
    per_position = ACTIVATION_COPIES * g.hidden + MLP_COPIES * g.intermediate
    # prefill: activations of every prompt position; attention scores and softmax in
    # float32 (CPU's SDPA materialises them; GPU kernels need less); masks as bytes
    prefill = (
        r * w * per_position * d
        + 2 * r * g.heads * w * p * 4
        + 4 * r * w * p
        + 2 * r * w * g.hidden * 4  # the guard's float32 copies and the fp32 input cast
    )
    # one step: logits in the model dtype and as float32, the sampling filters' (B, V)
    # temporaries, one layer's keys and values made contiguous or repeated over head
    # groups, its scores, and the step's activations
    step = (
        r * g.speech_vocab * (d + 4)
        + b * g.speech_vocab * SAMPLING_BYTES_PER_LOGIT
        + 2 * r * g.heads * length * g.head_dim * d
        + 3 * r * g.heads * length * max(d, 4)
        + r * per_position * d
        + 4 * r * length
    )
    # compaction copies one layer's kept rows of the written prefix at a time
    compaction = r * g.kv_heads * length * g.head_dim * d + r * 8 * 4
    return {"prefill": prefill, "step": step, "compaction": compaction}


def t3_decode_bytes(g: T3Geometry, s: DecodeShape, dtype_bytes: int) -> int:
    """Peak bytes of one batched decode: its buffers plus its largest transient."""
    static = sum(t3_static_bytes(g, s, dtype_bytes).values())
    return static + max(t3_transient_bytes(g, s, dtype_bytes).values())


def s3gen_bytes(chunks: int, max_tokens: int, prompt_frames: int) -> int:
    """S3Gen activations of a batch: 2 CFG rows of prompt + 2 frames per token per chunk."""
    frames = prompt_frames + 2 * max_tokens
    return chunks * 2 * frames * S3GEN_LIVE_PER_FRAME * 4


def planning_shape(
    chunks: int, *, cfg: bool, max_tokens: int = 1000, context_tokens: int = 400
) -> DecodeShape:
    """The shape the auto batch size plans for: ``context_tokens`` of conditioning and text
    per row (all counted as prompt, the worst case for the prefill), ``max_tokens`` of
    speech, and a cache grown once by ``CACHE_GROWTH``."""
    return DecodeShape(
        chunks=chunks,
        rows=2 * chunks if cfg else chunks,
        cache_len=int(CACHE_GROWTH * (context_tokens + max_tokens)) + 1,
        prompt_width=context_tokens,
        cond_len=0,
        max_budget=max_tokens,
    )


def batch_bytes(
    g: T3Geometry,
    chunks: int,
    dtype_bytes: int,
    *,
    cfg: bool,
    max_tokens: int = 1000,
    context_tokens: int = 400,
    prompt_frames: int = 500,
) -> int:
    """Peak accelerator bytes of a batch of ``chunks`` beyond the loaded model."""
    s = planning_shape(chunks, cfg=cfg, max_tokens=max_tokens, context_tokens=context_tokens)
    static = sum(t3_static_bytes(g, s, dtype_bytes).values())
    transient = max(t3_transient_bytes(g, s, dtype_bytes).values())
    return static + max(transient, s3gen_bytes(chunks, max_tokens, prompt_frames))


def fit_batch_size(
    free_bytes: int,
    g: T3Geometry,
    dtype_bytes: int,
    *,
    cap: int = MAX_AUTO_BATCH,
    fraction: float = AUTO_MEMORY_FRACTION,
    **shape,
) -> int:
    """The most chunks (1 to ``cap``) whose ``batch_bytes`` fit ``fraction`` of
    ``free_bytes``; ``shape``: ``batch_bytes``' keyword arguments."""
    budget = int(free_bytes * fraction)
    best = 1
    for n in range(1, cap + 1):
        if batch_bytes(g, n, dtype_bytes, **shape) > budget:
            break
        best = n
    return best
