"""How fast a T3 decode step could be on this CPU: the memory floor, and the linears.

Run ``python -m tts_cli.benchmarks.cpu_floor [--family english] [--rows 8] [--context 256]
[--threads N] [--json]``.

A decode step reads every weight of T3 once (and its keys and values so far) to produce a
few rows, so on a CPU it is bound by how fast memory can be read, not by arithmetic. This
measures that rate (a float32 sum over a buffer far larger than the caches), the bytes one
step must read for the stock geometry of ``--family`` (``T3Geometry``: the layers' linear
weights and the speech head in the engine's dtype, plus the cache at ``--context``
positions), their quotient (``floor_ms_per_step``: no kernel can beat it), and what the
engine's own packed linears (``cpu_linear.PackedLinear``, random weights of the real shapes)
take for one step's layer linears at ``--rows`` rows. ``python -m tts_cli.bench`` gives the
engine's whole T3 stage; set beside this floor, it says how much of that stage is left to win.
"""

from __future__ import annotations

import argparse
import time

from tts_cli.benchmarks.common import print_report

GB = 1e9


def step_bytes(geometry, rows: int, context: int, dtype_bytes: int) -> dict[str, int]:
    """Bytes one decode step reads: each layer's linear weights, the speech head, and the
    keys and values of ``rows`` rows over ``context`` positions."""
    g = geometry
    attn = g.hidden * g.head_dim * (2 * g.heads + 2 * g.kv_heads)  # q, o; k, v
    mlp = (3 if g.rotary else 2) * g.hidden * g.intermediate  # Llama: gate, up, down
    weights = g.layers * (attn + mlp) * dtype_bytes
    head = g.hidden * g.speech_vocab * dtype_bytes
    cache = 2 * g.layers * rows * g.kv_heads * context * g.head_dim * dtype_bytes
    return {"weights": weights, "speech_head": head, "kv_cache": cache}


def layer_shapes(geometry) -> list[tuple[int, int]]:
    """(out, in) of one layer's linear layers, in the order a step runs them: Llama's q, k,
    v, o, gate, up, down; GPT-2's fused q/k/v (``c_attn``), its output, fc, proj."""
    g = geometry
    q, kv = g.heads * g.head_dim, g.kv_heads * g.head_dim
    if not g.rotary:
        return [
            (q + 2 * kv, g.hidden),
            (g.hidden, q),
            (g.intermediate, g.hidden),
            (g.hidden, g.intermediate),
        ]
    return [
        (q, g.hidden), (kv, g.hidden), (kv, g.hidden), (g.hidden, q),
        (g.intermediate, g.hidden), (g.intermediate, g.hidden), (g.hidden, g.intermediate),
    ]  # fmt: skip


def geometry_of(family: str, layers: int | None = None):
    """The stock T3 geometry of ``family`` (``layers`` overrides its depth, for quick runs)."""
    import dataclasses

    from transformers import GPT2Config, LlamaConfig

    from tts_cli.engine import adapter
    from tts_cli.engine.memory_estimate import T3Geometry

    hp = adapter.t3_config(None, family)
    cfg = dict(adapter.api().LLAMA_CONFIGS[hp.llama_config_name])
    hf = GPT2Config(**cfg) if cfg.get("model_type") == "gpt2" else LlamaConfig(**cfg)
    g = T3Geometry.from_config(hf, hp.speech_tokens_dict_size)
    return dataclasses.replace(g, layers=layers) if layers else g


def read_rate(buffer_mb: int, repeats: int = 3) -> float:
    """Bytes per second a float32 sum over a ``buffer_mb`` buffer reads (best of ``repeats``;
    on the build machine a float32 sum reads faster than a bfloat16 one, 26 against 19 GB/s,
    so it is the better estimate of what memory gives)."""
    import torch

    x = torch.ones(buffer_mb * 1_000_000 // 4, dtype=torch.float32)
    x.sum()  # the pages are touched once before timing
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        x.sum()
        best = min(best, time.perf_counter() - t0)
    return x.numel() * x.element_size() / best


def linears_ms(geometry, rows: int, dtype, repeats: int = 3) -> tuple[float, bool]:
    """Milliseconds one step's layer linears take at ``rows`` rows (best of ``repeats``),
    on the engine's packed layers where this CPU can pack, else plain ``nn.Linear``."""
    import torch
    from torch import nn

    from tts_cli.engine.cpu_linear import PackedLinear, packing_available

    packed = packing_available("cpu", dtype)
    layers = []
    with torch.inference_mode(False), torch.no_grad():
        for _ in range(geometry.layers):
            for out_f, in_f in layer_shapes(geometry):
                lin = nn.Linear(in_f, out_f, bias=False, dtype=dtype)
                if packed:
                    lin = PackedLinear(lin)
                    lin.release_weight()
                layers.append((lin, in_f))
    inputs = {n: torch.randn(rows, 1, n, dtype=dtype) for n in {n for _, n in layers}}
    best = float("inf")
    with torch.inference_mode():
        for _ in range(repeats + 1):  # the first warms oneDNN's primitive cache
            t0 = time.perf_counter()
            for lin, in_f in layers:
                lin(inputs[in_f])
            best = min(best, time.perf_counter() - t0)
    return best * 1e3, packed


def measure(args: argparse.Namespace) -> dict:
    import torch

    from tts_cli.engine.device import cpu_bf16

    if args.threads:
        torch.set_num_threads(args.threads)
    native, why = cpu_bf16()
    dtype = torch.bfloat16 if native else torch.float32
    g = geometry_of(args.family, args.layers)
    parts = step_bytes(g, args.rows, args.context, dtype.itemsize)
    total = sum(parts.values())
    rate = read_rate(args.buffer_mb)
    lin_ms, packed = linears_ms(g, args.rows, dtype)
    return {
        "family": args.family,
        "layers": g.layers,
        "dtype": str(dtype).removeprefix("torch."),
        "dtype_reason": why,
        "threads": torch.get_num_threads(),
        "rows": args.rows,
        "context": args.context,
        "read_gb_s": round(rate / GB, 2),
        "step_mb": {k: round(v / 1e6, 1) for k, v in parts.items()},
        "floor_ms_per_step": round(total / rate * 1e3, 2),
        "packed": packed,
        "linears_ms_per_step": round(lin_ms, 2),
        "linears_gb_s": round(parts["weights"] / (lin_ms / 1e3) / GB, 2),
        "linears_share_of_read_rate": round(parts["weights"] / (lin_ms / 1e3) / rate, 3),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m tts_cli.benchmarks.cpu_floor", description=__doc__.split("\n\n")[0]
    )
    p.add_argument("--family", choices=("english", "multilingual", "turbo"), default="english")
    p.add_argument("--rows", type=int, default=8, help="rows per step (chunks x 2 with CFG)")
    p.add_argument("--context", type=int, default=256, help="cached positions per row")
    p.add_argument("--threads", type=int, default=None, help="torch intra-op threads")
    p.add_argument("--buffer-mb", type=int, default=1024, help="size of the read-rate buffer")
    p.add_argument("--layers", type=int, default=None, help="fewer layers, for a quick run")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print_report(measure(args), args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
