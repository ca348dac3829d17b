"""Decode-step shapes and memory of the batched T3, counted on the CPU with a tiny model.

    python -m tts_cli.benchmarks.t3_shapes [--json] [--chunks 64] [--batches 2]

Shapes: a batch of ``--chunks`` chunks whose stops are staggered (seeded: each chunk's stop
step uniform in [40, 300], the stop checked every 8 steps as the engine does), then a
"book" of ``--batches`` such batches plus a shorter last one, decoded with and without
row buckets. Each step's graph key is what a CUDA graph would be captured for; a key
replayed by fewer than ``warmup`` + 1 steps is never captured (``GraphedStep`` warms up
eagerly first), so ``captures`` counts the keys used more often than that.

Memory: the formula of ``memory_estimate.py`` against the measured peak of live tensors
(``tts_cli.testing.memory.PeakTracker``) of a decode, and the full-size plan.
"""

from __future__ import annotations

import argparse
import json
from types import SimpleNamespace

import torch

from tts_cli.engine import adapter
from tts_cli.engine.cuda_graphs import GraphedStep
from tts_cli.engine.memory_estimate import (
    DecodeShape,
    T3Geometry,
    batch_bytes,
    fit_batch_size,
    t3_decode_bytes,
)
from tts_cli.engine.sampling import SamplingParams
from tts_cli.engine.t3 import BatchedT3
from tts_cli.testing.checkpoint import TINY_T3

STOP = 6562
PARAMS = SamplingParams(cfg_weight=0.5)
WARMUP = GraphedStep(lambda key: None).warmup_steps


def _tiny():
    cb = adapter.api()
    torch.manual_seed(0)
    with torch.inference_mode(False):
        return cb.T3(adapter.t3_config(TINY_T3, "english")).eval()


def _cond(prompt_len: int = 150):
    g = torch.Generator().manual_seed(0)
    return adapter.api().T3Cond(
        speaker_emb=torch.randn(1, 256, generator=g),
        cond_prompt_speech_tokens=torch.randint(0, 6561, (1, prompt_len), generator=g),
        emotion_adv=0.5 * torch.ones(1, 1, 1),
    )


def _batch(engine, cemb, n: int, seed: int):
    g = torch.Generator().manual_seed(seed)
    stops = torch.randint(40, 301, (n,), generator=g).tolist()
    texts = [
        engine.text_tokens(torch.randint(3, 200, (int(k),), generator=g))
        for k in torch.randint(8, 60, (n,), generator=g)
    ]

    def bias(step):
        b = torch.zeros(n, 8194)
        for i, at in enumerate(stops):
            if at == step:
                b[i, STOP] = 1e4
        return b

    engine.generate(cemb, texts, [320] * n, PARAMS, logit_bias=bias)


def shapes(chunks: int, batches: int) -> dict:
    t3 = _tiny()
    out = {}
    for buckets in (False, True):
        engine = BatchedT3(t3, row_buckets=buckets)
        cemb = engine.cond_embeds(_cond())
        _batch(engine, cemb, chunks, seed=1)
        one = dict(engine.step_shapes)
        for b in range(1, batches):
            _batch(engine, cemb, chunks, seed=1 + b)
        _batch(engine, cemb, max(1, chunks * 3 // 5), seed=99)  # a book's shorter last batch
        book = engine.step_shapes
        out["row_buckets" if buckets else "compact_each_finish"] = {
            "batch_keys": len(one),
            "batch_captures": sum(c > WARMUP for c in one.values()),
            "book_keys": len(book),
            "book_captures": sum(c > WARMUP for c in book.values()),
            "book_steps": sum(book.values()),
            "row_counts": sorted({k[0] for k in book}, reverse=True),
        }
    return out


def memory() -> dict:
    from tts_cli.testing.memory import PeakTracker

    t3 = _tiny()
    rows = []
    for n, budget in ((16, 40), (4, 160), (64, 40)):
        engine = BatchedT3(t3)
        cemb = engine.cond_embeds(_cond())
        g = torch.Generator().manual_seed(n)
        texts = [
            engine.text_tokens(torch.randint(3, 200, (5 + 7 * i % 40,), generator=g))
            for i in range(n)
        ]
        with PeakTracker([*t3.parameters(), *t3.buffers(), cemb]) as tracker:
            engine.generate(cemb, texts, [budget] * n, PARAMS)
        n_cond = int(engine._n_cond)
        shape = DecodeShape(
            chunks=n,
            rows=engine._cache_k.size(1),
            cache_len=engine._cache_k.size(3),
            prompt_width=engine._batch.prefill_len - n_cond,
            cond_len=n_cond,
            max_budget=budget,
        )
        est = t3_decode_bytes(T3Geometry.from_t3(t3), shape, 4)
        rows.append(
            {
                "chunks": n,
                "budget": budget,
                "buffers_bytes": engine.buffer_bytes(),
                "measured_peak_bytes": tracker.peak,
                "estimate_bytes": est,
                "estimate_over_measured": round(est / tracker.peak, 2),
            }
        )
    full = T3Geometry.from_config(
        SimpleNamespace(
            num_hidden_layers=30,
            num_attention_heads=16,
            num_key_value_heads=16,
            head_dim=64,
            hidden_size=1024,
            intermediate_size=4096,
            model_type="llama",
        )
    )
    plan = {
        "bf16_64_chunks_gib": round(batch_bytes(full, 64, 2, cfg=True) / 2**30, 2),
        "bf16_batch_on_80_gib_free": fit_batch_size(80 * 2**30, full, 2, cfg=True),
        "bf16_batch_on_24_gib_free": fit_batch_size(24 * 2**30, full, 2, cfg=True),
        "fp32_batch_on_24_gib_free": fit_batch_size(24 * 2**30, full, 4, cfg=True),
    }
    return {"tiny_decodes": rows, "full_size_plan": plan}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chunks", type=int, default=64)
    ap.add_argument("--batches", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    with torch.inference_mode():
        report = {"shapes": shapes(args.chunks, args.batches), "memory": memory()}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for name, row in report["shapes"].items():
        print(f"{name}: {row}")
    for row in report["memory"]["tiny_decodes"]:
        print(row)
    print(report["memory"]["full_size_plan"])


if __name__ == "__main__":
    main()
