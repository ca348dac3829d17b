"""RoutedEngine: chunks of several models batched per model, yielded in plan order."""

from __future__ import annotations

import numpy as np
import pytest

from tts_cli.engine.base import ChunkAudio, SynthesisRequest
from tts_cli.engine.router import RoutedEngine


class FakeEngine:
    """Records the batches it is given; each chunk's audio holds its index."""

    name = "fake"
    sample_rate_hz = 24_000

    def __init__(self, batch_size: int):
        self.batch_size = batch_size
        self.batches: list[list[int]] = []
        self.stage_seconds = {"t3": 0.0}
        self.stats = {"batches": 0}
        self.started = self.finished = self.closed = 0

    def start(self):
        self.started += 1

    def finish(self):
        self.finished += 1

    def synthesize_batch(self, batch):
        self.batches.append([r.index for r in batch])
        self.stats["batches"] += 1
        self.stage_seconds["t3"] += 1.0
        return [ChunkAudio(r.index, np.full(10, r.index, np.float32), 1) for r in batch]

    def close(self):
        self.closed += 1


def _requests(models: str):
    names = {"e": "english", "m": "multilingual"}
    return [SynthesisRequest(i, f"chunk {i}", 10, model=names[m]) for i, m in enumerate(models)]


def test_chunks_come_back_in_plan_order_and_each_model_gets_only_its_chunks():
    english, mtl = FakeEngine(2), FakeEngine(2)
    routed = RoutedEngine({"english": english, "multilingual": mtl})
    out = list(routed.synthesize(_requests("emmeemme")))
    assert [c.index for c in out] == list(range(8))
    assert [int(c.audio[0]) for c in out] == list(range(8))
    assert sorted(i for b in english.batches for i in b) == [0, 3, 4, 7]
    assert sorted(i for b in mtl.batches for i in b) == [1, 2, 5, 6]
    assert all(len(b) <= 2 for b in english.batches + mtl.batches)
    assert routed.chunks == {"english": 4, "multilingual": 4}
    assert (english.started, english.finished, mtl.started, mtl.finished) == (1, 1, 1, 1)


def test_full_batches_are_preferred_so_batches_stay_large():
    english, mtl = FakeEngine(3), FakeEngine(3)
    routed = RoutedEngine({"english": english, "multilingual": mtl}, window=6)
    list(routed.synthesize(_requests("emmmeeeem")))
    assert mtl.batches[0] == [1, 2, 3] and english.batches[0] == [0, 4, 5]


def test_memory_is_bounded_by_the_window_not_the_book():
    english, mtl = FakeEngine(2), FakeEngine(2)
    routed = RoutedEngine({"english": english, "multilingual": mtl}, window=4)
    # one multilingual chunk first, then a long English run: finished English chunks wait
    # for it only up to the window
    out = list(routed.synthesize(_requests("m" + "e" * 40)))
    assert [c.index for c in out] == list(range(41))
    assert routed.max_waiting <= 4


def test_stats_are_merged_with_a_per_model_breakdown():
    english, mtl = FakeEngine(2), FakeEngine(2)
    routed = RoutedEngine({"english": english, "multilingual": mtl})
    list(routed.synthesize(_requests("emem")))
    assert routed.stats["batches"] == len(english.batches) + len(mtl.batches)
    assert set(routed.stats["by_model"]) == {"english", "multilingual"}
    assert routed.stage_seconds["t3"] == float(routed.stats["batches"])
    routed.close()
    assert english.closed == mtl.closed == 1


def test_a_chunk_for_a_model_that_is_not_loaded_is_an_error():
    routed = RoutedEngine({"english": FakeEngine(2)})
    with pytest.raises(ValueError, match="model 'multilingual', which is not loaded"):
        list(routed.synthesize(_requests("em")))


def test_one_engine_passes_its_stats_through():
    only = FakeEngine(4)
    routed = RoutedEngine({"english": only})
    list(routed.synthesize(_requests("eeeee")))
    assert only.batches == [[0, 1, 2, 3], [4]]
    assert routed.stats == {"batches": 2}
