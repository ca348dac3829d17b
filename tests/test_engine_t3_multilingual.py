"""Multilingual T3 batched with the alignment guard equals stock T3.inference (tiny, CPU).

Stock multilingual inference runs ``AlignmentStreamAnalyzer``; ``BatchedT3`` with
``alignment_guard=True`` must give the same tokens chunk by chunk, and the guard's rules
must rewrite logits exactly as the analyser does for the same attention.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from types import SimpleNamespace

import pytest
import torch
from engine_support import t3_cond, tiny_t3
from t3_support import GREEDY, STOP, stock_tokens, text_ids

from tts_cli.engine.t3 import AlignmentGuard, BatchedT3, GuardRules

MTL = replace(GREEDY, repetition_penalty=2.0)  # the multilingual model's own penalty
VOCAB = 2400  # ids beyond the English text vocabulary (704)


@pytest.fixture(scope="module")
def setup():
    t3 = tiny_t3(0, "multilingual")
    cond = t3_cond()
    engine = BatchedT3(t3, check_every=3, alignment_guard=True)
    return t3, cond, engine, engine.cond_embeds(cond)


def test_mixed_length_batch_equals_stock_multilingual(setup):
    t3, cond, engine, cemb = setup
    ids = [text_ids(6, 1, VOCAB), text_ids(25, 2, VOCAB), text_ids(11, 3, VOCAB)]
    budgets = [10, 6, 8]
    got = engine.generate(cemb, [engine.text_tokens(i) for i in ids], budgets, MTL)
    for i, (tokens, budget) in enumerate(zip(got, budgets, strict=True)):
        want = stock_tokens(t3, cond, ids[i], budget, MTL)
        assert tokens.tolist() == want.tolist(), f"chunk {i}"
    assert max(i.max().item() for i in ids) >= 704  # the larger text vocabulary is used


def test_guard_forces_the_stop_where_stock_does():
    # every speech token embeds alike and positions are zeroed: greedy decoding repeats a
    # token, and stock's analyser forces the stop token on the step after the repeat
    t3 = copy.deepcopy(tiny_t3(0, "multilingual"))
    with torch.no_grad():
        t3.speech_emb.weight[:] = t3.speech_emb.weight[0]
        t3.speech_pos_emb.emb.weight.zero_()
    cond = t3_cond()
    engine = BatchedT3(t3, check_every=2, alignment_guard=True)
    cemb = engine.cond_embeds(cond)
    ids = [text_ids(7, 4, VOCAB), text_ids(16, 5, VOCAB)]
    params = replace(MTL, repetition_penalty=1.2)  # 2.0 keeps even this model from repeating
    got = engine.generate(cemb, [engine.text_tokens(i) for i in ids], [30, 30], params)
    for i, tokens in enumerate(got):
        want = stock_tokens(t3, cond, ids[i], 30, params).tolist()
        assert tokens.tolist() == want
        assert want[-1] == STOP and len(want) < 30  # stock stopped early, and so did we
        assert want[-2] == want[-3]  # after a token came twice in a row
    assert engine.guard.fired_chunks == [0, 1]


def test_a_repeat_forced_by_bias_ends_only_that_row(setup):
    t3, cond, engine, cemb = setup
    ids = [text_ids(9, 6, VOCAB), text_ids(14, 7, VOCAB), text_ids(8, 8, VOCAB)]
    row, token = 1, 1234

    def bias(step):
        b = torch.zeros(3, 8194)
        if step in (3, 4):
            b[row, token] = 1e4  # the same token twice: the guard must stop the row next
        return b

    got = engine.generate(cemb, [engine.text_tokens(i) for i in ids], [8] * 3, MTL, None, bias)
    stock = [stock_tokens(t3, cond, i, 8, MTL) for i in ids]
    assert got[row].tolist() == stock[row][:3].tolist() + [token, token, STOP]
    for r in (0, 2):  # the other rows keep their own guard state through the compaction
        assert got[r].tolist() == stock[r].tolist()
    assert engine.guard.fired_chunks == [row]


def test_short_texts_decode_where_stock_crashes(setup):
    # stock's repeat check takes a max over no columns once a <= 5-token text is complete
    _, _, engine, cemb = setup
    out = engine.generate(cemb, [engine.text_tokens(text_ids(2, 9, VOCAB))], [12], MTL)[0]
    assert len(out) == 12 or out[-1].item() == STOP


def test_guard_needs_the_heads_it_reads():
    with pytest.raises(ValueError, match="layer 12"):
        BatchedT3(tiny_t3(0, "english"), alignment_guard=True)


# ---------------------------------------------------------------- rules vs stock analyser
def _stock_analyzer(n_text: int, n_cond: int):
    from chatterbox.models.t3.inference.alignment_stream_analyzer import AlignmentStreamAnalyzer

    layers = [SimpleNamespace(self_attn=torch.nn.Identity()) for _ in range(14)]
    fake = SimpleNamespace(
        layers=layers, config=SimpleNamespace(output_attentions=False, _attn_implementation="x")
    )
    return AlignmentStreamAnalyzer(fake, None, (n_cond, n_cond + n_text), 9, eos_idx=STOP)


def _drive(attn_frames, tokens, n_text, n_cond=4, vocab=8194):
    """Run stock's analyser and ours on the same attention; returns both logits per step.

    ``attn_frames[0]``: (2, n_text) attention of the two start tokens; later (1, n_text).
    """
    stock = _stock_analyzer(n_text, n_cond)
    ours = AlignmentGuard(GuardRules(), stop_token=STOP, bos_token=6561)
    ours.start([n_text], "cpu")
    g = torch.Generator().manual_seed(0)
    pairs = []
    last = 6561
    for frame, a in enumerate(attn_frames):
        total = n_cond + n_text + 2 + frame
        full = torch.zeros(a.size(0), total)
        full[:, n_cond : n_cond + n_text] = a
        if frame == 0:
            full = torch.cat([torch.zeros(n_cond + n_text, total), full])
        stock.last_aligned_attns = [full, full, full]
        logits = torch.randn(1, vocab, generator=g)
        want = stock.step(logits.clone(), next_token=last)
        got = ours.step(logits.clone(), a[None], frame)
        pairs.append((want, got))
        tok = tokens[frame]
        ours.record(torch.tensor([tok]))
        last = tok
    return pairs


def _frames(positions, n_text, mass=0.9):
    """Attention frames with ``mass`` on the given text position (frame 0 gets two rows)."""
    frames = []
    for f, p in enumerate(positions):
        a = torch.full((2 if f == 0 else 1, n_text), (1 - mass) / n_text)
        a[:, p] += mass
        frames.append(a)
    return frames


@pytest.mark.parametrize(
    "name,positions",
    [
        ("steady reading", list(range(10)) + [9, 9]),
        ("long tail", list(range(10)) + [9] * 12),
        ("jump back after the end", list(range(10)) + [1, 2, 3, 1, 2, 3, 1, 2, 3, 1]),
        ("wild jumps", [0, 5, 1, 9, 2, 2, 8, 3, 4, 9, 0, 7, 6, 9, 9, 9]),
    ],
)
def test_rules_rewrite_logits_as_the_stock_analyser(name, positions):
    n_text = 10
    tokens = list(range(100, 100 + len(positions)))  # no token repeats
    for want, got in _drive(_frames(positions, n_text), tokens, n_text):
        assert torch.equal(want, got), name


def test_random_attention_and_token_repeats_match_the_stock_analyser():
    g = torch.Generator().manual_seed(5)
    for n_text in (6, 9, 15):
        frames = [torch.softmax(torch.randn(2, n_text, generator=g) * 4, -1)]
        frames += [torch.softmax(torch.randn(1, n_text, generator=g) * 4, -1) for _ in range(30)]
        tokens = torch.randint(0, 3, (31,), generator=g).tolist()  # repeats happen
        for want, got in _drive(frames, tokens, n_text):
            assert torch.equal(want, got)


# ---------------------------------------------------------------- the rules, from their text
def _guard(n_text=10):
    guard = AlignmentGuard(GuardRules(), stop_token=3, bos_token=9)
    guard.start([n_text], "cpu")
    return guard


def _attn_at(pos, n_text=10, rows=1):
    a = torch.zeros(1, rows, n_text)
    a[:, :, pos] = 1.0
    return a


def test_stop_is_suppressed_until_the_last_three_text_tokens():
    guard = _guard()
    for frame in range(8):  # reading positions 0..7 of 10: the end is 7, 8 or 9
        out = guard.step(torch.zeros(1, 5), _attn_at(frame, rows=2 if frame == 0 else 1), frame)
        guard.record(torch.tensor([frame + 20]))
        assert out[0, 3].item() == (0.0 if frame >= 7 else -(2.0**15)), frame


def test_a_long_tail_on_the_last_tokens_forces_the_stop():
    guard = _guard()
    outs = []
    for frame in range(15):
        pos = min(frame, 9)
        outs.append(
            guard.step(torch.zeros(1, 5), _attn_at(pos, rows=2 if frame == 0 else 1), frame)
        )
        guard.record(torch.tensor([frame + 20]))
    # complete at frame 7 (position 7); later frames count per last-3 column: column 8 gets
    # frame 8, column 9 frames 9, 10, ... and reaches 5 at frame 13, which forces the stop
    forced = [bool(o[0, 3] == 2.0**15 and (o[0, :3] == -(2.0**15)).all()) for o in outs]
    assert forced == [False] * 13 + [True] * 2


def test_attention_back_on_earlier_text_after_the_end_forces_the_stop():
    guard = _guard()
    fired_at = None
    for frame in range(20):
        pos = frame if frame <= 7 else 2 + frame % 3  # back to tokens 2-4 after completing
        out = guard.step(torch.zeros(1, 5), _attn_at(pos, rows=2 if frame == 0 else 1), frame)
        guard.record(torch.tensor([frame + 20]))
        if out[0, 3] == 2.0**15 and fired_at is None:
            fired_at = frame
    assert fired_at == 13  # frames 8..13: six units of earlier-text attention, > 5


def test_the_same_token_twice_forces_the_stop_next_step():
    guard = _guard()
    toks = [20, 21, 21, 22]
    forced = []
    for frame, tok in enumerate(toks):
        out = guard.step(torch.zeros(1, 5), _attn_at(0, rows=2 if frame == 0 else 1), frame)
        forced.append(bool(out[0, 3] == 2.0**15))
        guard.record(torch.tensor([tok]))
    assert forced == [False, False, False, True]


def test_short_texts_are_never_suppressed_and_a_row_keeps_its_state_when_compacted():
    guard = AlignmentGuard(GuardRules(), stop_token=3, bos_token=9)
    guard.start([4, 10], "cpu")
    a = torch.zeros(2, 2, 10)
    a[:, :, 0] = 1.0
    out = guard.step(torch.zeros(2, 5), a, 0)
    assert out[0, 3].item() == 0.0  # 4 text tokens: nothing to suppress
    assert out[1, 3].item() == -(2.0**15)
    guard.record(torch.tensor([20, 20]))
    guard.keep(torch.tensor([1]))
    assert guard.length.tolist() == [10] and guard.last.tolist() == [20]


def test_guard_benchmark_counts_the_hooks_stock_leaves_behind():
    from tts_cli.benchmarks.t3_guard import run

    result = run(chunks=4, tokens=3, text_len=8, prompt_len=20)
    assert result["stock_hooks_after"] - result["stock_hooks_before"] >= 3 * 4  # 3 per call
    assert result["ours_hooks_after"] == 0
    for side in ("stock", "ours"):
        assert result[side]["first_ms_per_token"] > 0 and result[side]["growth"] > 0


@pytest.mark.slow
def test_compiled_steps_with_the_guard_equal_eager_steps(setup):
    # the guard's attention is computed inside the step from static buffers only, so a
    # compiled (or graph-captured) step gives the same tokens (~1 min of compiling on CPU)
    t3, _, engine, cemb = setup
    compiled = BatchedT3(t3, step_mode="compile", alignment_guard=True)
    texts = [engine.text_tokens(text_ids(n, n, VOCAB)) for n in (5, 12)]
    want = engine.generate(cemb, texts, [8, 8], MTL)
    got = compiled.generate(cemb, texts, [8, 8], MTL)
    assert compiled.step_failure is None and compiled.step_mode == "compile"
    assert [g.tolist() for g in got] == [w.tolist() for w in want]
