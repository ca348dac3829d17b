"""Time per chunk over many calls: our alignment guard vs stock multilingual's hooks.

Run ``python -m tts_cli.benchmarks.t3_guard [--chunks 200] [--tokens 25] [--json]``.

Stock multilingual ``T3.inference`` (chatterbox 0.1.7) builds an ``AlignmentStreamAnalyzer``
on every call, which registers three forward hooks on the T3's attention layers and never
removes them: call N runs N x 3 hooks, each copying a layer's attention to the CPU on every
step. ``BatchedT3(alignment_guard=True)`` keeps the same rules as per-chunk tensors and
computes the attention of just the heads it reads, so its time per chunk should stay flat.
Both decode the same chunks one per call, on a random tiny multilingual T3 (14 layers of
width 128) on the CPU; random weights rarely stop early, and the figures are per token, so
both sides are compared on equal work.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import time

os.environ.setdefault("TQDM_DISABLE", "1")


def _setup(prompt_len: int):
    import torch

    from tts_cli.engine import adapter
    from tts_cli.testing.checkpoint import TINY_T3_BY_FAMILY

    cb = adapter.api()
    torch.manual_seed(0)
    t3 = cb.T3(adapter.t3_config(TINY_T3_BY_FAMILY["multilingual"], "multilingual")).eval()
    g = torch.Generator().manual_seed(0)
    cond = cb.T3Cond(
        speaker_emb=torch.randn(1, 256, generator=g),
        cond_prompt_speech_tokens=torch.randint(0, 6561, (1, prompt_len), generator=g),
        emotion_adv=0.5 * torch.ones(1, 1, 1),
    )
    return t3, cond


def _texts(n: int, length: int):
    import torch

    g = torch.Generator().manual_seed(1)
    return [torch.randint(3, 2400, (length,), generator=g) for _ in range(n)]


def run(chunks: int, tokens: int, text_len: int = 20, prompt_len: int = 150) -> dict:
    """Per-call seconds per token for stock and ours; see the module docstring."""
    import torch
    import torch.nn.functional as F

    from tts_cli.engine.sampling import SamplingParams
    from tts_cli.engine.t3 import BatchedT3

    torch.set_num_threads(1)
    base, cond = _setup(prompt_len)
    texts = _texts(chunks, text_len)
    params = SamplingParams(repetition_penalty=2.0)  # the multilingual model's defaults

    stock_t3 = copy.deepcopy(base)  # stock's hooks stay on this copy only
    hooks_before = _hooks(stock_t3)
    stock = []
    for ids in texts:
        text = F.pad(F.pad(ids[None], (1, 0), value=255), (0, 1), value=0)
        t0 = time.perf_counter()
        with torch.inference_mode():
            out = stock_t3.inference(
                t3_cond=copy.deepcopy(cond),
                text_tokens=torch.cat([text, text]),
                max_new_tokens=tokens,
                temperature=params.temperature,
                cfg_weight=params.cfg_weight,
                repetition_penalty=params.repetition_penalty,
                min_p=params.min_p,
                top_p=params.top_p,
            )
        stock.append((time.perf_counter() - t0) / out.size(1))

    engine = BatchedT3(base, alignment_guard=True, cpu_decode_threads=1)
    cemb = engine.cond_embeds(cond)
    ours = []
    for ids in texts:
        t0 = time.perf_counter()
        out = engine.generate(cemb, [engine.text_tokens(ids)], [tokens], params)[0]
        ours.append((time.perf_counter() - t0) / len(out))
    return {
        "chunks": chunks,
        "tokens_per_chunk": tokens,
        "stock_hooks_before": hooks_before,
        "stock_hooks_after": _hooks(stock_t3),
        "ours_hooks_after": _hooks(base),
        "stock": _summary(stock),
        "ours": _summary(ours),
    }


def _hooks(t3) -> int:
    """Forward hooks on the T3's modules (stock's analyser adds three per call)."""
    return sum(len(m._forward_hooks) for m in t3.modules())


def _summary(per_token: list[float]) -> dict:
    k = max(1, min(10, len(per_token) // 4))
    first = sum(per_token[:k]) / k
    last = sum(per_token[-k:]) / k
    return {
        "first_ms_per_token": round(first * 1000, 3),
        "last_ms_per_token": round(last * 1000, 3),
        "growth": round(last / first, 3),
        "window": k,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=200)
    parser.add_argument("--tokens", type=int, default=25)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.chunks, args.tokens)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{args.chunks} chunks x {args.tokens} tokens, one chunk per call")
    for side in ("stock", "ours"):
        s = result[side]
        print(
            f"{side:>5}: first {s['window']} calls {s['first_ms_per_token']} ms/token, "
            f"last {s['window']} {s['last_ms_per_token']} ms/token (x{s['growth']})"
        )
    print(
        f"forward hooks on the model: stock {result['stock_hooks_before']} before, "
        f"{result['stock_hooks_after']} after; ours {result['ours_hooks_after']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
