"""The quality gate's one-batch lookahead: batch k+1 decodes while batch k's host work
finishes, with the same takes and gate actions as batches one at a time.

The engine is ``FastEngine`` with its device work replaced by an event-recording fake:
``submit_batch``, its worker thread and ``finish`` are the real ones."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from tts_cli.engine.base import ChunkAudio, SynthesisRequest
from tts_cli.engine.fast import FastEngine
from tts_cli.engine.router import RoutedEngine
from tts_cli.quality.checks import GateOptions
from tts_cli.quality.retry import derive_seed, gate
from tts_cli.runner.book import quality_gate
from tts_cli.text.languages import expected_seconds

RATE = 24000
TEXT = "The morning was cold, and the streets were empty. The old man opened the door slowly."
SHORT = "Yes, he said."


class Boom(RuntimeError):
    pass


class EventEngine(FastEngine):
    """A take is a tone of the text's expected length when its seed is in ``good`` (or the
    text is short), else silence. Decoding runs on the caller's thread, host work on the
    real worker; ``events`` records both. Host work of batch k waits (up to 5 s) until
    batch k+1 is decoded or its takes are asked for, so an overlap shows in the order."""

    def __init__(self, good=(), batch_size=2, fail_decode_at=None):
        self.name, self.sample_rate_hz, self.batch_size = "fake", RATE, batch_size
        self.stats = {"host_overlap": False}
        self.stage_seconds = {}
        self._worker, self._policy = None, None
        self.good, self.fail_decode_at = set(good), fail_decode_at
        self.events: list[tuple[str, int]] = []
        self.decoded: list[threading.Event] = []
        self.calls: list[list[tuple[str, int | None]]] = []
        self.unread = 0  # batches decoded whose takes the caller has not read
        self.most_unread = 0  # most of them when a new batch began

    def start(self, total_batches=None):
        self.events.append(("start", -1))

    def _decode_batch(self, batch):
        k = len(self.calls)
        self.most_unread = max(self.most_unread, self.unread)
        if k == self.fail_decode_at:
            raise Boom(f"decode of batch {k} failed")
        self.calls.append([(r.text, r.seed) for r in batch])
        self.events.append(("decode", k))
        self.decoded.append(threading.Event())
        if k:
            self.decoded[k - 1].set()  # batch k-1's host work may end now
        self.unread += 1
        return [(k, list(batch))]

    def _finish_parts(self, parts):
        ((k, batch),) = parts
        self.decoded[k].wait(5)
        self.events.append(("host_end", k))
        return [_take(r, self.good) for r in batch]

    def submit_batch(self, batch):
        future = super().submit_batch(batch)
        k = len(self.calls) - 1
        engine = self

        class Read:
            def result(self):
                engine.decoded[k].set()  # asked for: no later batch will come first
                out = future.result()
                engine.unread -= 1
                return out

        return Read()

    def finish(self):
        for event in self.decoded:  # the fake's wait ends: host work ends by itself
            event.set()
        super().finish()

    def synthesize_batch(self, batch):
        parts = self._decode_batch(batch)
        self.decoded[-1].set()
        out = self._finish_parts(parts)
        self.unread -= 1
        return out


def _take(r, good):
    seconds = expected_seconds(r.text, r.language)
    t = np.arange(int(seconds * RATE)) / RATE
    tone = (0.3 * np.sign(np.sin(2 * np.pi * 150 * t))).astype(np.float32)
    ok = r.seed in good or len(r.text) < 40
    return ChunkAudio(r.index, tone if ok else tone * 0, len(t) // 960, True)


def _requests():
    """Chunk 1 passes on its first retry, chunk 3 is split, the rest pass at once."""
    texts = [SHORT, TEXT, SHORT, TEXT, SHORT, TEXT, SHORT]
    return [SynthesisRequest(i, t, 1000, "en", seed=50 + i) for i, t in enumerate(texts)]


GOOD = {50 + i for i in (0, 2, 4, 5, 6)} | {derive_seed(51, 1, 1)}


def _run(speak_of, engine, **kw):
    chunks = gate(_requests(), speak_of(engine), GateOptions(retries=2), batch_size=2, **kw)
    return {c.index: c for c in chunks}


def test_next_batch_decodes_before_this_ones_host_work_ends():
    engine = EventEngine(GOOD)
    _run(lambda e: e.submit_batch, engine)
    batches = len(engine.calls)
    assert batches >= 5
    order = {e: n for n, e in enumerate(engine.events)}
    ahead = [k for k in range(batches - 1) if order[("decode", k + 1)] < order[("host_end", k)]]
    # every batch but the last two: the last holds chunk 3's pieces, known only once the
    # batch before (chunk 3's last retry, alone) is read, so nothing can decode meanwhile
    assert ahead == list(range(batches - 2)), engine.events
    assert [s for _, s in engine.calls[-2]] == [derive_seed(53, 3, 2)]
    assert " ".join(t for t, _ in engine.calls[-1]) == TEXT
    assert engine.most_unread == 1  # never more than one batch waiting when one begins
    assert engine.stats["host_overlap"] is True
    engine.finish()


def test_one_at_a_time_has_no_overlap_so_the_check_can_fail():
    engine = EventEngine(GOOD)
    _run(lambda e: e.synthesize_batch, engine)
    order = {e: n for n, e in enumerate(engine.events)}
    assert all(order[("host_end", k)] < order[("decode", k + 1)] for k in range(3))
    assert engine.most_unread == 0


def test_lookahead_gives_the_same_takes_and_actions_with_a_retry_and_a_split():
    ahead, plain = EventEngine(GOOD), EventEngine(GOOD)
    a = _run(lambda e: e.submit_batch, ahead)
    b = _run(lambda e: e.synthesize_batch, plain)
    ahead.finish()
    assert sorted(a) == sorted(b) == list(range(7))
    assert {c.action for c in a.values()} == {"accepted", "retried", "split"}
    assert a[1].action == "retried" and a[1].attempts == 2
    assert a[3].action == "split" and a[3].attempts == 4
    for i in a:
        assert (a[i].action, a[i].attempts, a[i].reasons, a[i].tokens) == (
            b[i].action,
            b[i].attempts,
            b[i].reasons,
            b[i].tokens,
        )
        assert np.array_equal(a[i].audio, b[i].audio)
    # the same takes are spoken, only in other batches (retries go to batch k+2)
    spoken = sorted(x for call in ahead.calls for x in call)
    assert spoken == sorted(x for call in plain.calls for x in call)
    assert ahead.calls != plain.calls


def test_decode_error_comes_out_after_the_decided_chunks():
    reqs = [SynthesisRequest(i, SHORT, 1000, "en", seed=i) for i in range(8)]
    for speak in ("submit_batch", "synthesize_batch"):
        engine = EventEngine(batch_size=2, fail_decode_at=2)
        got = []
        with pytest.raises(Boom, match="decode of batch 2 failed"):
            for c in gate(reqs, getattr(engine, speak), GateOptions(), batch_size=2):
                got.append(c.index)
        assert got == [0, 1, 2, 3], speak  # batches 0 and 1: decoded, so stored
        engine.finish()


def test_host_error_comes_out_of_result():
    engine = EventEngine(batch_size=2)

    def broken(parts):
        raise Boom("watermark failed")

    engine._finish_parts = broken
    reqs = [SynthesisRequest(i, SHORT, 1000, "en", seed=i) for i in range(4)]
    with pytest.raises(Boom, match="watermark failed"):
        list(gate(reqs, engine.submit_batch, GateOptions(), batch_size=2))
    engine.finish()


def _host_threads():
    return [t for t in threading.enumerate() if t.name.startswith("ttsgen-host")]


@pytest.mark.parametrize("how", ["complete", "stopped_early", "decode_error"])
def test_no_worker_thread_left_after_the_pipelines_gate(how):
    engine = EventEngine(GOOD, fail_decode_at=3 if how == "decode_error" else None)
    routed = RoutedEngine({"": engine})
    run = quality_gate(GateOptions(retries=2))
    chunks = run(_requests(), routed)
    got = []
    try:
        for c in chunks:
            got.append(c.index)
            assert _host_threads(), "the worker runs while the gate does"
            if how == "stopped_early" and len(got) == 2:
                chunks.close()
                break
    except Boom:
        assert how == "decode_error"
    assert engine.events[0] == ("start", -1)
    assert _host_threads() == []
    assert engine._worker is None
    if how == "complete":
        assert sorted(got) == list(range(7))
    else:
        assert 2 <= len(got) < 7
