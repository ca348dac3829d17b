"""The fast engine on a GPU it has never met, tested on a CPU: every CUDA call goes to
``cuda:N`` (a recording fake ``torch.cuda``), out-of-memory errors injected at each stage
lose no chunk and change no sample, the vocoder batched is the vocoder per chunk, host work
overlaps the next batch, and the decode loop waits for the device only at stop checks."""

from __future__ import annotations

import threading
from collections import Counter
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from cuda_fake import RecordingCuda
from engine_support import reference_wav, tiny_model
from torch.overrides import TorchFunctionMode

from tts_cli.engine import adapter, memory
from tts_cli.engine.base import GenerationOptions, SynthesisRequest
from tts_cli.engine.cuda_graphs import GraphedStep
from tts_cli.engine.fast import FastEngine
from tts_cli.engine.memory import CleanupPolicy, free_memory
from tts_cli.engine.options import EngineOptions
from tts_cli.engine.s3gen_batched import BatchedS3Gen
from tts_cli.engine.sampling import SamplingParams
from tts_cli.engine.stock import StageClock
from tts_cli.errors import DeviceError

GEN = GenerationOptions(cfm_steps=1)
GPU = torch.device("cuda", 3)


def _requests(n=5, budget=6):
    return [
        SynthesisRequest(
            index=i, text=f"Chunk {i} says a few words.", max_new_tokens=budget, seed=500 + i
        )
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def voice():
    return reference_wav(2.0, seed=2)


def _engine(voice, tmp_path, **opts):
    opts.setdefault("voice_cache_dir", tmp_path / "voices")
    return FastEngine(tiny_model(), GEN, EngineOptions(**opts), voice=voice)


class Faults:
    """Raises an out-of-memory error at the given call number of each stage."""

    def __init__(self, **at: int):
        self.at, self.calls = at, Counter()

    def __call__(self, stage: str) -> None:
        self.calls[stage] += 1
        if self.at.get(stage) == self.calls[stage]:
            raise torch.OutOfMemoryError(f"CUDA out of memory (injected at {stage})")


# ---------------------------------------------------------------------- cuda:N
def test_memory_cleanup_stage_clock_and_graph_capture_all_go_to_cuda_3(monkeypatch):
    cuda = RecordingCuda(monkeypatch)
    free_memory(str(GPU))
    CleanupPolicy(str(GPU), every=1, total_batches=None).after_batch()
    clock = StageClock({}, str(GPU))
    with clock("t3"):
        pass
    step = GraphedStep(lambda key: torch.ones(key), mode="graphs", device=GPU)
    outs = [step(2) for _ in range(4)]  # two warm-ups, the capture, a replay
    assert [o.tolist() for o in outs] == [[1.0, 1.0]] * 4
    names = cuda.names()
    assert names.count("synchronize") == 2 + 2 and names.count("empty_cache") == 2
    assert {"Stream", "current_stream", "CUDAGraph", "graph", "replay"} <= set(names)
    assert step.captures == 1 and step.enabled
    assert cuda.devices() == {GPU}, cuda.calls


def test_auto_batch_size_asks_the_engines_gpu_for_its_free_memory(monkeypatch):
    cuda = RecordingCuda(monkeypatch, free_bytes=4 << 30)
    model = tiny_model()
    fake = SimpleNamespace(
        options=EngineOptions(),
        on_cuda=True,
        device=str(GPU),
        memory_share=1.0,
        model=model,
        dtype=torch.float32,
        t3=SimpleNamespace(_uses_cfg=lambda p: True),
        params=SamplingParams(),
        prompt=SimpleNamespace(prompt_frames=100),
    )
    assert FastEngine._batch_size(fake) >= 1
    assert cuda.calls == [("mem_get_info", GPU)]


def test_cuda_7_on_a_machine_with_two_gpus_is_the_device_error(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from tts_cli.cli import app
    from tts_cli.engine import device

    book = tmp_path / "book.txt"
    book.write_text("A short book.\n", encoding="utf-8")
    monkeypatch.setattr(device, "_cuda_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    result = CliRunner().invoke(
        app, [str(book), "-o", str(tmp_path / "b.wav"), "--device", "cuda:7"]
    )
    assert result.exit_code == DeviceError.exit_code == 5
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [
        "ttsgen: error: --device cuda:7 was requested but this machine has GPUs cuda:0 to "
        "cuda:1; use --device cuda (the first GPU) or an index below the number of GPUs"
    ]
    assert not (tmp_path / "b.wav").exists()


# ---------------------------------------------------------------------- out of memory
def test_oom_during_capture_keeps_graphs_for_the_smaller_batch(monkeypatch):
    RecordingCuda(monkeypatch)
    monkeypatch.setattr(memory, "FAULTS", Faults(capture=1))
    step = GraphedStep(lambda key: torch.zeros(key), mode="graphs", device=GPU)
    step(8), step(8)  # warm-ups
    with pytest.raises(torch.OutOfMemoryError):
        step(8)
    assert step.enabled and step.failed is None and step.graphs == {}
    for _ in range(3):
        out = step(4)  # the smaller batch: warm-ups, then a capture that succeeds
    assert step.captures == 1 and list(step.graphs) == [4] and out.shape == (4,)


def test_ooms_at_prefill_step_s3gen_and_vocoder_lose_nothing_and_change_nothing(
    voice, tmp_path, monkeypatch
):
    with _engine(voice, tmp_path, batch_size=16) as engine:
        want = list(engine.synthesize(_requests()))
    assert engine.stats["oom_retries"] == 0
    faults = Faults(prefill=1, step=3, s3gen=1, vocoder=1)  # 16 -> 8 -> 4 -> 2 -> 1 chunks
    monkeypatch.setattr(memory, "FAULTS", faults)
    with _engine(voice, tmp_path, batch_size=16) as engine:
        got = list(engine.synthesize(_requests()))
    assert engine.stats["oom_retries"] == 4 and engine.batch_size == 1
    assert faults.calls["prefill"] == 4 + 5  # four failed tries, then one per chunk
    assert [c.index for c in got] == [c.index for c in want] == [0, 1, 2, 3, 4]
    assert sum(c.tokens for c in want) > 0
    for a, b in zip(got, want, strict=True):
        assert a.tokens == b.tokens and np.array_equal(a.audio, b.audio), a.index


def test_oom_with_one_chunk_is_one_error_without_the_failed_frames(voice, tmp_path, monkeypatch):
    monkeypatch.setattr(memory, "FAULTS", Faults(s3gen=1))
    with _engine(voice, tmp_path, batch_size=1) as engine:
        with pytest.raises(DeviceError, match=r"out of GPU memory with one chunk per batch") as e:
            list(engine.synthesize(_requests(1)))
    assert "injected at s3gen" in str(e.value) and "--cpu-offload" in str(e.value)
    assert e.value.__context__ is None and e.value.__cause__ is None


def test_oom_while_loading_is_a_device_error_suggesting_offload_or_dtype(monkeypatch):
    from engine_support import tiny_checkpoint

    from tts_cli.models.folders import resolve_folders

    def boom(*args):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 1.50 GiB")

    monkeypatch.setattr(adapter, "_load_folder", boom)
    folder = resolve_folders(["english"], [tiny_checkpoint()])["english"]
    with pytest.raises(DeviceError) as e:
        adapter.load_folder(folder, "cpu", torch.float32)
    assert e.value.exit_code == 5 and e.value.__context__ is None
    assert (
        e.value.problem == "out of GPU memory while loading the Chatterbox (English) model onto cpu"
    )
    assert "--cpu-offload" in e.value.fix and "--dtype" in e.value.fix


# ---------------------------------------------------------------------- host stalls
def test_batched_vocoder_matches_the_vocoder_chunk_by_chunk(monkeypatch):
    from tts_cli.engine import vocoder_batched

    passes, real_decode = [], vocoder_batched.decode

    def spy(hift, feats, sources):
        passes.append(len(feats))
        return real_decode(hift, feats, sources)

    monkeypatch.setattr(vocoder_batched, "decode", spy)
    s3 = BatchedS3Gen(tiny_model().tts.s3gen)
    g = torch.Generator().manual_seed(0)
    mels = [torch.randn(1, 80, n, generator=g) * 2 - 4 for n in (40, 64, 23)]
    seeds = [5, 6, None]
    torch.manual_seed(1)
    alone = s3.waves(mels, seeds, batched=False)
    for max_frames in (4000, 130):  # one pass of three chunks; passes of two and one
        torch.manual_seed(1)
        batched = s3.waves(mels, seeds, batched=True, max_frames=max_frames)
        for a, b, mel in zip(alone, batched, mels, strict=True):
            assert a.shape == b.shape == (480 * mel.size(-1),)
            assert torch.allclose(a, b, atol=1e-5, rtol=0), float((a - b).abs().max())
    assert passes == [3, 2]  # 130 frames: 40 + 64 padded to 2 x 64, then 23 alone (stock's)
    assert float(alone[0].abs().max()) > 1e-3  # real audio, not silence


def test_host_work_overlaps_the_next_batch_and_keeps_order(voice, tmp_path):
    engine = _engine(voice, tmp_path, batch_size=2)
    second_started = threading.Event()
    threads = []
    real_run, real_finish = engine._run_batch, engine._finish

    def run(batch):
        if batch[0].index == 2:
            second_started.set()
        return real_run(batch)

    def finish(part):
        threads.append(threading.current_thread().name)
        if part.indices[0] == 0:  # holds batch one's host work until batch two decodes
            assert second_started.wait(120), "the next batch did not decode meanwhile"
        return real_finish(part)

    engine._run_batch, engine._finish = run, finish
    chunks = list(engine.synthesize(_requests(5, budget=3)))
    engine.close()
    assert [c.index for c in chunks] == [0, 1, 2, 3, 4]
    assert len(threads) == 3 and all(t.startswith("ttsgen-host") for t in threads)
    assert engine.stage_seconds["watermark"] > 0


def test_host_work_errors_reach_the_caller_after_the_chunks_before_them(voice, tmp_path):
    engine = _engine(voice, tmp_path, batch_size=2)
    real_finish = engine._finish

    def finish(part):
        if part.indices[0] == 2:
            raise ValueError("watermark failed")
        return real_finish(part)

    engine._finish = finish
    seen = []
    with pytest.raises(ValueError, match="watermark failed"):
        for c in engine.synthesize(_requests(6, budget=2)):
            seen.append(c.index)
    engine.close()
    assert seen == [0, 1]


class _Syncs(TorchFunctionMode):
    """Counts tensor-to-host conversions (each waits for the device)."""

    NAMES = {"__bool__", "__int__", "__float__", "__index__", "item", "tolist", "cpu", "numpy"}

    def __init__(self):
        super().__init__()
        self.count = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if getattr(func, "__name__", "") in self.NAMES:
            self.count += 1
        return func(*args, **(kwargs or {}))


def test_decode_loop_waits_for_the_device_only_at_stop_checks(monkeypatch):
    from engine_support import t3_cond, tiny_t3

    from tts_cli.engine.t3 import BatchedT3

    tiny = tiny_t3()
    t3 = BatchedT3(tiny, check_every=4)
    cond = t3.cond_embeds(t3_cond())
    texts = [t3.text_tokens(torch.tensor([5, 6, 7, 8])), t3.text_tokens(torch.tensor([9, 10]))]
    budgets, params = [17, 10], SamplingParams(cfg_weight=0.5)
    no_stop = torch.zeros(2, tiny.hp.speech_tokens_dict_size)
    no_stop[:, tiny.hp.stop_speech_token] = -1e9
    counter = _Syncs()
    real_loop = t3._decode_loop

    def counted(*args):
        with counter:
            real_loop(*args)

    monkeypatch.setattr(t3, "_decode_loop", counted)
    t3.generate(cond, texts, budgets, params, seeds=[1, 2], logit_bias=lambda s: no_stop)
    # checks after steps 4, 8, 10 (a budget), 12 and 16; the last step ends the loop
    assert t3.host_checks == 5
    assert counter.count == t3.host_checks
