"""oneDNN-packed CPU linears: same numbers as nn.Linear, swapped in and put back exactly."""

from __future__ import annotations

import logging

import pytest
import torch
from engine_support import reference_wav, t3_cond, tiny_model, tiny_t3
from test_engine_t3_batched import GREEDY, _stock_tokens, _text
from torch import nn

from tts_cli.engine import cpu_linear
from tts_cli.engine.base import GenerationOptions
from tts_cli.engine.cpu_linear import PackedLinear, PackedLinears, packing_available
from tts_cli.engine.fast import FastEngine
from tts_cli.engine.options import EngineOptions
from tts_cli.engine.t3 import BatchedT3

pytestmark = pytest.mark.skipif(
    not packing_available("cpu", torch.float32), reason="this torch has no oneDNN packing"
)


def _linears(module: nn.Module) -> list[nn.Linear]:
    """The distinct linear layers under ``module`` that are not (inside) a packed one."""
    packed = {id(m) for p in module.modules() if isinstance(p, PackedLinear) for m in p.modules()}
    return [m for m in module.modules() if isinstance(m, nn.Linear) and id(m) not in packed]


class LoRACompatibleLinear(nn.Linear):
    """Stands in for diffusers' class of that name (the flow decoder's feed-forward output)."""

    def __init__(self, *args, lora_layer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lora_layer = lora_layer

    def forward(self, x, scale: float = 1.0):
        out = super().forward(x)
        return out if self.lora_layer is None else out + scale * self.lora_layer(x)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(1, 96), (8, 96), (37, 96), (3, 50, 96)])
def test_packed_linear_gives_the_same_numbers_as_nn_linear(shape, bias):
    torch.manual_seed(0)
    linear = nn.Linear(96, 160, bias=bias)
    packed = PackedLinear(linear)
    x = torch.randn(*shape)
    with torch.inference_mode():
        got, want = packed(x), linear(x)
    assert got.shape == want.shape == (*shape[:-1], 160)
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)
    assert packed.weight is linear.weight and packed.bias is linear.bias


def test_swap_then_restore_leaves_the_modules_and_state_dict_as_found():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(16, 32),
        nn.Sequential(nn.ReLU(), nn.Linear(32, 32, bias=False)),
        nn.Linear(32, 8).to(torch.bfloat16),  # not float32: left alone
    )
    originals = [model[0], model[1][1], model[2]]
    state = {k: v.clone() for k, v in model.state_dict().items()}
    x = torch.randn(5, 16)
    with torch.inference_mode():
        want = model[1](model[0](x))
        swapped = PackedLinears([model])
        assert swapped.count == 2
        assert isinstance(model[0], PackedLinear) and isinstance(model[1][1], PackedLinear)
        assert model[2] is originals[2]
        # the packed copy replaces the original weight's memory while it is in use
        assert originals[0].weight.numel() == 0 and originals[1].weight.numel() == 0
        torch.testing.assert_close(model[1](model[0](x)), want, rtol=1e-5, atol=1e-5)
        swapped.restore()
    assert [model[0], model[1][1], model[2]] == originals
    restored = model.state_dict()
    assert list(restored) == list(state)
    for key, value in state.items():
        assert torch.equal(restored[key], value), key  # bit for bit
    assert not swapped.active
    assert not restored["0.weight"].is_inference()  # still usable outside inference mode


def test_a_weight_tied_to_another_module_is_packed_but_not_freed():
    torch.manual_seed(0)
    embed = nn.Embedding(10, 6)
    head = nn.Linear(6, 10, bias=False)
    head.weight = embed.weight  # tied, as language models tie input and output embeddings
    plain = nn.Linear(6, 6)
    model = nn.ModuleList([embed, head, plain])
    tokens = torch.tensor([1, 4, 7])
    with torch.inference_mode():
        want = model[1](model[0](tokens))
        swapped = PackedLinears([model])
        assert swapped.count == 2
        assert embed.weight.shape == (10, 6)  # the embedding still has its weight
        assert plain.weight.numel() == 0
        torch.testing.assert_close(model[1](model[0](tokens)), want, rtol=1e-5, atol=1e-5)
        swapped.restore()
    assert model[1] is head and head.weight is embed.weight and plain.weight.shape == (6, 6)


def test_weights_can_be_kept_while_packed():
    plain = nn.Linear(6, 6)
    swapped = PackedLinears([nn.Sequential(plain)], release_weights=False)
    assert swapped.count == 1 and plain.weight.shape == (6, 6)
    swapped.restore()


class Doubled(nn.Linear):
    def forward(self, x):
        return 2 * super().forward(x)


def test_lora_compatible_linears_are_packed_only_without_a_lora_layer():
    torch.manual_seed(0)
    plain = LoRACompatibleLinear(8, 8)
    with_lora = LoRACompatibleLinear(8, 8, lora_layer=nn.Linear(8, 8, bias=False))
    model = nn.Sequential(plain, with_lora, Doubled(8, 8))
    x = torch.randn(3, 8)
    with torch.inference_mode():
        want = plain(x, scale=0.5)
        swapped = PackedLinears([model])
        # the plain one and the LoRA layer's own plain Linear; not the LoRA'd one, not Doubled
        assert swapped.count == 2 and isinstance(model[0], PackedLinear)
        assert model[1] is with_lora and type(model[2]) is Doubled
        torch.testing.assert_close(model[0](x, scale=0.5), want, rtol=1e-5, atol=1e-5)
        swapped.restore()
    assert model[0] is plain


def test_a_packing_failure_restores_what_was_swapped_and_warns(monkeypatch, caplog):
    model = nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 4), nn.Linear(4, 4))
    originals = list(model)
    real = cpu_linear.PackedLinear
    made = []

    def flaky(linear, batch_hint):
        if len(made) == 2:
            raise RuntimeError("could not create a primitive")
        made.append(linear)
        return real(linear, batch_hint)

    monkeypatch.setattr(cpu_linear, "PackedLinear", flaky)
    with caplog.at_level(logging.WARNING, logger="tts_cli.engine.cpu_linear"):
        swapped = PackedLinears([model])
    assert swapped.count == 0 and list(model) == originals
    assert "packed CPU linears unavailable (could not create a primitive)" in caplog.text


def test_packing_is_only_offered_for_float32_and_native_bf16_on_a_cpu():
    from tts_cli.engine.device import cpu_bf16

    assert packing_available("cpu", torch.float32)
    assert packing_available("cpu", torch.bfloat16) is cpu_bf16()[0]
    assert not packing_available("cpu", torch.float16)
    assert not packing_available("cuda", torch.float32)
    assert not packing_available("meta", torch.float32)


@pytest.mark.parametrize("fault", ["wrong numbers", "raises"])
def test_a_build_whose_packed_kernel_misbehaves_is_not_used(monkeypatch, fault):
    def broken(x, packed, bias, *args):
        if fault == "raises":
            raise RuntimeError("could not create a primitive descriptor")
        return torch.zeros(x.shape[0], 48)

    monkeypatch.setattr(torch.ops.mkldnn, "_linear_pointwise", broken)
    cpu_linear._packing_works.cache_clear()
    try:
        assert not packing_available("cpu", torch.float32)
    finally:
        monkeypatch.undo()
        cpu_linear._packing_works.cache_clear()
    assert packing_available("cpu", torch.float32)


def test_packed_t3_decodes_the_same_tokens_as_stock():
    t3 = tiny_t3()
    cond = t3_cond()
    ids = [_text(5, 1), _text(31, 2), _text(14, 3)]
    budgets = [12, 7, 10]
    want = [
        _stock_tokens(t3, cond, i, b, GREEDY).tolist() for i, b in zip(ids, budgets, strict=True)
    ]
    n_linears = len(_linears(t3))
    swapped = PackedLinears([t3])
    try:
        assert swapped.count == n_linears > 0 and not _linears(t3)
        engine = BatchedT3(t3, check_every=4)
        got = engine.generate(
            engine.cond_embeds(cond), [engine.text_tokens(i) for i in ids], budgets, GREEDY
        )
    finally:
        swapped.restore()
    assert [g.tolist() for g in got] == want


def test_the_fast_engine_packs_on_cpu_and_restores_the_shared_model(tmp_path):
    model = tiny_model()
    tts = model.tts
    q_proj = tts.t3.tfmr.layers[0].self_attn.q_proj
    estimator = tts.s3gen.flow.decoder.estimator
    expected = len(_linears(tts.t3)) + len(_linears(estimator))
    before = {**tts.t3.state_dict(), **estimator.state_dict()}
    before = {k: v.clone() for k, v in before.items()}
    voice = reference_wav(2.0, seed=2)
    opts = EngineOptions(voice_cache_dir=tmp_path / "voices")
    with FastEngine(model, GenerationOptions(cfm_steps=1), opts, voice=voice) as engine:
        assert engine.stats["cpu_packed_linears"] == expected > 0
        assert isinstance(tts.t3.tfmr.layers[0].self_attn.q_proj, PackedLinear)
        assert not _linears(estimator)
    assert tts.t3.tfmr.layers[0].self_attn.q_proj is q_proj
    assert len(_linears(tts.t3)) + len(_linears(estimator)) == expected
    after = {**tts.t3.state_dict(), **estimator.state_dict()}
    assert after.keys() == before.keys()
    assert all(torch.equal(after[k], v) for k, v in before.items())  # stock sees its weights

    off = EngineOptions(voice_cache_dir=tmp_path / "voices", cpu_packed_weights=False)
    with FastEngine(model, GenerationOptions(cfm_steps=1), off, voice=voice) as engine:
        assert engine.stats["cpu_packed_linears"] == 0
        assert tts.t3.tfmr.layers[0].self_attn.q_proj is q_proj


def test_an_engine_that_fails_to_start_restores_the_shared_model(tmp_path, monkeypatch):
    model = tiny_model()
    q_proj = model.tts.t3.tfmr.layers[0].self_attn.q_proj

    def broken(self, ref_dict):
        raise RuntimeError("prompt features failed")

    monkeypatch.setattr("tts_cli.engine.s3gen_batched.BatchedS3Gen.prompt", broken)
    opts = EngineOptions(voice_cache_dir=tmp_path / "voices")
    with pytest.raises(RuntimeError, match="prompt features failed"):
        FastEngine(model, GenerationOptions(cfm_steps=1), opts, voice=reference_wav(2.0, seed=2))
    assert model.tts.t3.tfmr.layers[0].self_attn.q_proj is q_proj
    assert _linears(model.tts.s3gen.flow.decoder.estimator)


@pytest.mark.parametrize("shape", [(1, 96), (8, 96), (3, 50, 96)])
def test_a_conv1d_packs_through_its_transpose_and_unpacks_exactly(shape):
    from transformers.pytorch_utils import Conv1D

    torch.manual_seed(0)
    conv = Conv1D(160, 96)  # GPT-2's layer: weight [in=96, out=160]
    with torch.no_grad():
        conv.bias.normal_()
    before = conv.weight.detach().clone()
    model = nn.Sequential(conv)
    swap = PackedLinears([model])
    assert swap.count == 1 and isinstance(model[0], PackedLinear)
    assert (model[0].in_features, model[0].out_features) == (96, 160)
    x = torch.randn(*shape)
    with torch.inference_mode():
        got = model(x)
    want = x @ before + conv.bias.detach()
    assert got.shape == (*shape[:-1], 160)
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)
    swap.restore()
    assert model[0] is conv and torch.equal(conv.weight, before)


def test_packed_turbo_t3_decodes_the_same_tokens_as_stock():
    import copy

    from test_engine_t3_turbo import GREEDY as TURBO_GREEDY
    from test_engine_t3_turbo import _ids, _stock

    from tts_cli.engine.t3 import BatchedTurboT3

    t3 = copy.deepcopy(tiny_t3(0, "turbo"))
    cond = t3_cond()
    ids = [_ids(5, 1), _ids(17, 2)]
    want = [_stock(t3, cond, i, 10, TURBO_GREEDY) for i in ids]
    state = {k: v.clone() for k, v in t3.state_dict().items()}
    swap = PackedLinears([t3])
    convs = [m for m in t3.modules() if isinstance(m, PackedLinear) and m.transposed]
    assert len(convs) == 4 * len(t3.tfmr.h)  # attn c_attn, c_proj; mlp c_fc, c_proj
    engine = BatchedTurboT3(t3, check_every=4)
    got = engine.generate(engine.cond_embeds(cond), ids, [10, 10], TURBO_GREEDY)
    assert [g.tolist() for g in got] == want
    swap.restore()
    assert all(torch.equal(v, state[k]) for k, v in t3.state_dict().items())


@pytest.mark.skipif(
    not packing_available("cpu", torch.bfloat16), reason="this CPU has no native bfloat16"
)
def test_bf16_layers_pack_and_come_back_bit_for_bit():
    """With native bf16 the engine packs the bf16 weights (2x ``F.linear`` at decode rows
    here); float32 layers beside them are left alone."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 96).to(torch.bfloat16), nn.Linear(96, 8))
    state = {k: v.clone() for k, v in model.state_dict().items()}
    x = torch.randn(8, 64, dtype=torch.bfloat16)
    with torch.inference_mode():
        want = model[0](x)
        swapped = PackedLinears([model], dtype=torch.bfloat16)
        assert swapped.count == 1 and isinstance(model[0], PackedLinear)
        assert not isinstance(model[1], PackedLinear)
        got = model[0](x)
        assert got.dtype == torch.bfloat16
        torch.testing.assert_close(got, want, rtol=2e-2, atol=2e-2)
        swapped.restore()
    for key, value in model.state_dict().items():
        assert value.dtype == state[key].dtype and torch.equal(value, state[key]), key
    with pytest.raises(ValueError, match="not torch.float16"):
        PackedLinears([model], dtype=torch.float16)
