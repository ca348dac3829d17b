"""Engine options, precision policy, memory policy and compiled decode steps (logic on CPU)."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
import torch
from engine_support import t3_cond, tiny_model, tiny_t3

from tts_cli.engine import device as device_mod
from tts_cli.engine.cuda_graphs import GraphedStep, bucket_length
from tts_cli.engine.memory import CleanupPolicy, Offloader, is_oom
from tts_cli.engine.options import EngineOptions, auto_batch_size, per_chunk_bytes
from tts_cli.engine.precision import ReducedPrecision, engine_dtype
from tts_cli.engine.sampling import SamplingParams
from tts_cli.engine.t3 import BatchedT3
from tts_cli.errors import OptionError

# ---------------------------------------------------------------- options


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dtype": "fp8"}, "unknown --dtype 'fp8'; use one of: auto, float32, bfloat16, float16"),
        ({"batch_size": 0}, "--batch-size 0 is invalid; use auto or a whole number >= 1"),
        (
            {"batch_size": "many"},
            "--batch-size 'many' is not a number; use auto or a whole number >= 1",
        ),
        ({"cleanup_every": 0}, "--cleanup-every 0 is invalid; use a whole number of batches >= 1"),
        (
            {"compile": "yes"},
            "--compile must be on or off, got 'yes'; use --compile or --no-compile",
        ),
    ],
)
def test_invalid_options_name_the_allowed_values(kwargs, message):
    with pytest.raises(OptionError) as info:
        EngineOptions(**kwargs).validate()
    assert str(info.value) == message


def test_valid_options_and_batch_size_forms():
    EngineOptions().validate()
    assert EngineOptions(batch_size="auto").fixed_batch_size is None
    assert EngineOptions(batch_size="12").fixed_batch_size == 12
    assert EngineOptions(batch_size=3).fixed_batch_size == 3
    with pytest.raises(AttributeError):
        EngineOptions().dtype = "float16"  # frozen


def test_auto_batch_size_from_free_memory():
    per_chunk = 100 * 2**20
    assert auto_batch_size(free_bytes=10 * 2**30, per_chunk_bytes=per_chunk) == 61  # 60 % of 10 GiB
    assert auto_batch_size(free_bytes=80 * 2**30, per_chunk_bytes=per_chunk) == 64  # capped
    assert auto_batch_size(free_bytes=2**20, per_chunk_bytes=per_chunk) == 1  # one always possible
    cfg = SimpleNamespace(
        num_hidden_layers=30,
        num_key_value_heads=16,
        head_dim=64,
        hidden_size=1024,
        num_attention_heads=16,
    )
    bf16 = per_chunk_bytes(cfg, 2, max_tokens=1000)
    assert bf16 < per_chunk_bytes(cfg, 4, max_tokens=1000)
    assert 300 * 2**20 < bf16 < 600 * 2**20  # the KV cache of 2 rows x 1400 positions dominates


# ---------------------------------------------------------------- precision


@pytest.mark.parametrize(
    ("capability", "dtype"),
    [
        ((9, 0), "bfloat16"),
        ((8, 0), "bfloat16"),
        ((8, 6), "bfloat16"),
        ((7, 5), "float16"),
        ((7, 0), "float16"),
        ((6, 1), "float16"),
    ],
)
def test_auto_dtype_on_a_gpu_follows_its_compute_capability(capability, dtype):
    """H100/A100/RTX 30: bf16; T4 (7.5), V100 (7.0), P40 (6.1): fp16 (torch's
    is_bf16_supported() says True there through emulation, so it is not asked)."""
    chosen, reason = device_mod.cuda_dtype_for_capability(capability)
    assert chosen == dtype
    assert f"compute capability {capability[0]}.{capability[1]}" in reason


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.gpu
def test_cuda_capability_is_asked_of_the_requested_gpu():
    last = f"cuda:{torch.cuda.device_count() - 1}"
    assert device_mod.cuda_capability(last) == torch.cuda.get_device_capability(last)


@pytest.mark.parametrize(
    ("features", "onednn", "native"),
    [
        ({"avx512f", "avx512_bf16"}, True, True),
        ({"amx_tile", "amx_bf16"}, True, True),
        ({"avx512f", "avx512bw", "avx2"}, True, False),  # converts only: emulated
        ({"avx512_bf16"}, False, False),  # no oneDNN: torch's fallback kernels
        (set(), True, False),
    ],
)
def test_cpu_bf16_is_native_only_with_bf16_dot_products(features, onednn, native):
    got, reason = device_mod.cpu_bf16_decision(frozenset(features), onednn)
    assert got is native
    assert ("natively" in reason) is native


def test_cpu_flags_are_read_from_cpuinfo(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text(
        "processor\t: 0\nmodel name\t: X\nflags\t\t: fpu avx512f amx_bf16 avx512_bf16\n\n"
        "processor\t: 1\nflags\t\t: fpu\n"
    )
    assert device_mod._cpuinfo_flags(info) == {"fpu", "avx512f", "amx_bf16", "avx512_bf16"}
    assert device_mod._cpuinfo_flags(tmp_path / "missing") == frozenset()


def test_auto_dtype_on_this_cpu_is_bf16_exactly_where_it_is_native():
    native, why = device_mod.cpu_bf16()
    choice = device_mod.choose_dtype("auto", "cpu")
    assert choice.dtype == (torch.bfloat16 if native else torch.float32)
    assert choice.reason == f"auto: {why}"
    if native:
        assert device_mod.choose_dtype("bfloat16", "cpu").dtype == torch.bfloat16
    else:
        with pytest.raises(OptionError, match="--dtype bfloat16 on this CPU would be emulated"):
            device_mod.choose_dtype("bfloat16", "cpu")
    with pytest.raises(OptionError, match="--dtype float16 needs a CUDA device"):
        device_mod.choose_dtype("float16", "cpu")


def test_bf16_on_a_cpu_without_it_is_a_one_line_error(monkeypatch):
    monkeypatch.setattr(device_mod, "cpu_features", lambda: frozenset({"avx2"}))
    with pytest.raises(OptionError) as err:
        device_mod.choose_dtype("bfloat16", "cpu")
    assert str(err.value) == (
        "--dtype bfloat16 on this CPU would be emulated: this CPU has no native bfloat16 "
        "(no amx_bf16 or avx512_bf16); use --dtype auto or float32 on this CPU"
    )
    assert device_mod.choose_dtype("auto", "cpu").dtype == torch.float32


def test_a_gpu_index_beyond_the_machine_is_a_device_error_naming_it():
    from tts_cli.errors import DeviceError

    device_mod.check_cuda_index("cuda", 1)
    device_mod.check_cuda_index("cuda:1", 2)
    with pytest.raises(DeviceError) as err:
        device_mod.check_cuda_index("cuda:7", 2)
    assert err.value.exit_code == 5
    assert (
        err.value.problem
        == "--device cuda:7 was requested but this machine has GPUs cuda:0 to cuda:1"
    )
    with pytest.raises(DeviceError, match="this machine has one GPU, cuda:0"):
        device_mod.check_cuda_index("cuda:1", 1)
    with pytest.raises(OptionError, match="unknown device 'cuda:x'"):
        device_mod.check_cuda_index("cuda:x", 1)


def test_engine_dtype_auto_is_the_models_with_its_reason():
    auto = device_mod.choose_dtype("auto", "cpu")
    model = SimpleNamespace(dtype=auto.dtype, device="cpu")
    assert engine_dtype("auto", model) == auto
    other = torch.float32 if auto.dtype == torch.bfloat16 else torch.bfloat16
    loaded = engine_dtype("auto", SimpleNamespace(dtype=other, device="cpu"))
    assert loaded.dtype == other
    assert loaded.reason == f"the model was loaded for {str(other).removeprefix('torch.')}"
    assert engine_dtype("float32", model).reason == "asked for"
    with pytest.raises(OptionError, match="needs a CUDA device"):
        engine_dtype("float16", model)


def test_reduced_precision_casts_t3_and_flow_decoder_only_and_restores_exactly():
    tts = tiny_model().tts
    before = {k: v.clone() for k, v in tts.t3.state_dict().items()}
    policy = ReducedPrecision(tts, torch.bfloat16)
    assert tts.t3.speech_head.weight.dtype == torch.bfloat16
    assert next(tts.s3gen.flow.decoder.estimator.parameters()).dtype == torch.bfloat16
    assert next(tts.s3gen.mel2wav.parameters()).dtype == torch.float32  # vocoder stays fp32
    assert next(tts.s3gen.tokenizer.parameters()).dtype == torch.float32
    assert next(tts.ve.parameters()).dtype == torch.float32
    policy.restore()
    after = tts.t3.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)  # not rounded through bf16


def test_bf16_round_trip_keeps_rotary_tables_float32_and_restores_every_buffer():
    """Regression: ``module.to(bf16)`` rounded the non-persistent rotary ``inv_freq`` and
    ``load_state_dict`` never restored it (off by up to 1.8e-4 after one round trip)."""
    tts = tiny_model().tts
    modules = [tts.t3, tts.s3gen.flow.decoder.estimator]
    buffers = {(i, k): v.clone() for i, m in enumerate(modules) for k, v in m.named_buffers()}
    params = {
        (i, k): v.detach().clone() for i, m in enumerate(modules) for k, v in m.named_parameters()
    }
    rotary = [k for (i, k) in buffers if k.endswith("inv_freq")]
    assert rotary, "the Llama T3 has rotary tables"
    policy = ReducedPrecision(tts, torch.bfloat16)
    live = dict(tts.t3.named_buffers())
    for k in rotary:
        assert live[k].dtype == torch.float32 and torch.equal(live[k], buffers[(0, k)])
    assert tts.t3.tfmr.norm.weight.dtype == torch.bfloat16  # as upstream's bf16 Llama
    policy.restore()
    for (i, k), v in buffers.items():
        got = dict(modules[i].named_buffers())[k]
        assert got.dtype == v.dtype and torch.equal(got, v), k
    for (i, k), v in params.items():
        got = dict(modules[i].named_parameters())[k]
        assert got.dtype == v.dtype and torch.equal(got, v), k


# ---------------------------------------------------------------- memory


def test_cleanup_every_adapts_to_the_run_length():
    assert CleanupPolicy("cpu", None, total_batches=30).every == 10
    assert CleanupPolicy("cpu", None, total_batches=6).every == 5
    assert CleanupPolicy("cpu", None, total_batches=None).every == 5
    policy = CleanupPolicy("cpu", 2, total_batches=30)
    assert [policy.after_batch() for _ in range(5)] == [False, True, False, True, False]
    policy.final()
    assert policy.cleanups == 3


def test_oom_detection():
    assert is_oom(torch.OutOfMemoryError("CUDA out of memory"))
    assert is_oom(RuntimeError("CUDA error: out of memory"))
    assert not is_oom(RuntimeError("shape mismatch"))
    assert not is_oom(ValueError("out of memory"))


def test_offloader_keeps_only_the_active_phase_on_the_device(monkeypatch):
    moves = []

    class Spy(torch.nn.Linear):
        def to(self, *args, **kwargs):
            moves.append((self.tag, args[0]))
            return self

    a, b = Spy(2, 2), Spy(2, 2)
    a.tag, b.tag = "t3", "s3gen"
    off = Offloader({"t3": [a], "s3gen": [b]}, "cuda", enabled=True)
    monkeypatch.setattr("tts_cli.engine.memory.free_memory", lambda device: None)
    off.activate("t3")
    off.activate("t3")  # already active: no moves
    off.activate("s3gen")
    assert moves == [("s3gen", "cpu"), ("t3", "cuda"), ("t3", "cpu"), ("s3gen", "cuda")]
    disabled = Offloader({"t3": [a]}, "cuda", enabled=False)
    disabled.activate("t3")
    assert len(moves) == 4


# ---------------------------------------------------------------- compiled steps


def test_bucket_lengths():
    assert bucket_length(1, 1000) == 128
    assert bucket_length(128, 1000) == 128
    assert bucket_length(129, 1000) == 256
    assert bucket_length(990, 1000) == 1000  # capped at the cache size


def test_graph_capture_failure_warns_once_and_runs_eagerly(caplog):
    calls = []

    def step(key):
        calls.append(key)
        return torch.ones(1)

    runner = GraphedStep(step, mode="graphs", warmup_steps=1)
    if torch.cuda.is_available():
        pytest.skip("capture would succeed here")
    with caplog.at_level(logging.WARNING):
        outs = [runner("k") for _ in range(4)]
    assert all(o.item() == 1 for o in outs) and len(calls) == 4
    assert not runner.enabled and runner.failed
    assert sum("CUDA graph capture failed" in r.message for r in caplog.records) == 1


def test_compile_failure_falls_back_to_eager(monkeypatch, caplog):
    def broken_compile(fn, **kwargs):
        raise RuntimeError("inductor: no C++ compiler")

    monkeypatch.setattr(torch, "compile", broken_compile)
    runner = GraphedStep(lambda key: torch.full((1,), 2.0), mode="compile")
    with caplog.at_level(logging.WARNING):
        assert runner("k").item() == 2.0
        assert runner("k").item() == 2.0
    assert (
        runner.failed.startswith("RuntimeError") and runner.mode == "compile" and not runner.enabled
    )
    assert sum("torch.compile failed" in r.message for r in caplog.records) == 1


def _texts(engine):
    g = torch.Generator().manual_seed(0)
    return [engine.text_tokens(torch.randint(3, 200, (n,), generator=g)) for n in (4, 19)]


def test_bucketed_cache_lengths_give_the_same_tokens_as_exact_lengths():
    """The graph-shaped step (attention over a bucket, future slots masked) is exact."""
    t3 = tiny_t3()
    params = SamplingParams(top_p=1e-6)
    eager = BatchedT3(t3)
    cemb = eager.cond_embeds(t3_cond())
    want = eager.generate(cemb, _texts(eager), [20, 12], params)
    bucketed = BatchedT3(t3, step_mode="graphs")
    bucketed._graphs.warmup_steps = 10**9  # never capture: run the bucketed step eagerly
    got = bucketed.generate(cemb, _texts(bucketed), [20, 12], params)
    assert [t.tolist() for t in got] == [t.tolist() for t in want]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA graphs need a GPU")
def test_cuda_graph_decode_equals_eager_on_gpu():
    t3 = tiny_t3().to("cuda")
    params = SamplingParams(top_p=1e-6)
    eager = BatchedT3(t3)
    cemb = eager.cond_embeds(t3_cond())
    want = eager.generate(cemb, _texts(eager), [40, 30], params)
    graphed = BatchedT3(t3, step_mode="graphs")
    got = graphed.generate(cemb, _texts(graphed), [40, 30], params)
    assert graphed.step_failure is None and graphed._graphs.graphs
    assert [t.tolist() for t in got] == [t.tolist() for t in want]
    t3.to("cpu")


# ---------------------------------------------------------------- CPU decode threads


def test_auto_decode_threads_keep_the_faster_count_and_probe_again():
    from tts_cli.engine.cpu_threads import REPROBE_EVERY, DecodeThreads

    tuner = DecodeThreads("auto", default_threads=2)
    step_seconds = {1: 0.3, 2: 1.2}  # a busy machine: the second thread only waits
    used = []
    for _ in range(4 + REPROBE_EVERY + 4):
        n = tuner.next_step()
        used.append(n)
        tuner.record(step_seconds[n])
    assert used[:4] == [1, 1, 2, 2]  # probe: two steps each, the second one timed
    assert set(used[4 : 4 + REPROBE_EVERY]) == {1}
    assert used[4 + REPROBE_EVERY :] == [1, 1, 2, 2]  # load changes: probe again
    assert tuner.choices == [1, 1]

    idle = DecodeThreads("auto", default_threads=2)
    for _ in range(6):
        n = idle.next_step()
        idle.record({1: 0.33, 2: 0.25}[n])
    assert idle.chosen == 2


def test_fixed_and_default_decode_threads():
    from tts_cli.engine.cpu_threads import DecodeThreads

    assert DecodeThreads(1).next_step() == 1
    assert DecodeThreads(None).next_step() is None
    assert DecodeThreads("auto", default_threads=1).next_step() == 1  # one core: nothing to choose
    EngineOptions(cpu_decode_threads="auto").validate()
    with pytest.raises(OptionError, match="cpu_decode_threads 0 is invalid"):
        EngineOptions(cpu_decode_threads=0).validate()


def test_memory_estimate_reads_gpt2_configs_and_counts_rows():
    from transformers import GPT2Config, LlamaConfig

    gpt2 = GPT2Config(n_layer=24, n_head=16, n_embd=1024)
    llama = LlamaConfig(
        num_hidden_layers=24, num_attention_heads=16, num_key_value_heads=16, hidden_size=1024
    )
    one_row = per_chunk_bytes(gpt2, 2, max_tokens=1000, rows=1)
    two_rows = per_chunk_bytes(llama, 2, max_tokens=1000, rows=2)
    s3gen = 2 * (500 + 2000) * 256 * 30 * 4
    kv_per_row = 2 * 24 * 16 * 1400 * 64 * 2
    assert one_row == kv_per_row + s3gen
    assert two_rows == 2 * kv_per_row + s3gen
