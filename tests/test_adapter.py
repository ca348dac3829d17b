"""The model loader, devices and the stock path, on a tiny random-weight checkpoint."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from tts_cli.engine import adapter
from tts_cli.engine.base import GenerationOptions, SynthesisRequest
from tts_cli.engine.device import resolve_device, resolve_dtype
from tts_cli.engine.stock import StockEngine
from tts_cli.errors import DeviceError, ModelError, OptionError

pytestmark = pytest.mark.slow


def linked_copy(src, dst, replace: dict[str, bytes] | None = None):
    """A model folder of symlinks to ``src`` (cheap: S3Gen alone is 1 GB), some files replaced."""
    dst.mkdir()
    for f in src.iterdir():
        if replace and f.name in replace:
            (dst / f.name).write_bytes(replace[f.name])
        else:
            (dst / f.name).symlink_to(f)
    return dst


def test_tiny_checkpoint_loads_with_its_own_t3_size(tiny_model):
    t3 = tiny_model.tts.t3
    assert t3.cfg.num_hidden_layers == 2 and t3.cfg.hidden_size == 128
    assert t3.hp.use_perceiver_resampler is False
    assert tiny_model.device == "cpu" and tiny_model.dtype == torch.float32
    assert not t3.training and not tiny_model.tts.s3gen.training
    vocab = tiny_model.tts.tokenizer.tokenizer.get_vocab()
    assert vocab["[START]"] == 255 and vocab["[STOP]"] == 0
    assert max(vocab.values()) < 704


def test_loaded_weights_are_the_saved_ones(tiny_model_dir, tiny_model):
    from safetensors.torch import load_file

    saved = load_file(str(tiny_model_dir / "t3_cfg.safetensors"))
    name = "tfmr.layers.1.mlp.down_proj.weight"
    assert torch.equal(tiny_model.tts.t3.state_dict()[name], saved[name])
    saved = load_file(str(tiny_model_dir / "s3gen.safetensors"))
    name = next(k for k in saved if k.startswith("flow.decoder"))
    assert torch.equal(tiny_model.tts.s3gen.state_dict()[name], saved[name])


def test_wrong_shape_t3_file_is_an_error_naming_the_file(tiny_model_dir, tmp_path):
    config = json.loads((tiny_model_dir / "ttsgen.json").read_text())
    assert config["format"] == 2  # one section per model family
    t3 = config["english"]["t3"]
    t3["llama_config"]["intermediate_size"] = 384  # the saved MLP is 256 wide
    t3["llama_config_name"] = "ttsgen_tiny_wrong"
    folder = linked_copy(
        tiny_model_dir, tmp_path / "m", {"ttsgen.json": json.dumps(config).encode()}
    )
    with pytest.raises(ModelError, match="t3_cfg.safetensors does not fit"):
        adapter.load_model(adapter.ModelSpec(model_dir=folder, device="cpu"))


def test_damaged_weights_file_is_an_error_naming_the_file(tiny_model_dir, tmp_path):
    folder = linked_copy(tiny_model_dir, tmp_path / "m", {"ve.safetensors": b"\x00garbage"})
    with pytest.raises(ModelError, match="ve.safetensors cannot be read"):
        adapter.load_model(adapter.ModelSpec(model_dir=folder, device="cpu"))


def test_s3gen_with_missing_weights_is_an_error_not_silently_random(tiny_model_dir, tmp_path):
    from safetensors.torch import load_file, save_file

    state = load_file(str(tiny_model_dir / "s3gen.safetensors"))
    dropped = next(k for k in state if k.startswith("mel2wav"))
    del state[dropped]
    folder = tmp_path / "m"
    linked_copy(tiny_model_dir, folder)
    (folder / "s3gen.safetensors").unlink()
    save_file(state, str(folder / "s3gen.safetensors"))
    with pytest.raises(ModelError, match="s3gen.safetensors lacks 1 weights"):
        adapter.load_model(adapter.ModelSpec(model_dir=folder, device="cpu"))


def test_devices_are_explicit():
    assert resolve_device("cpu") == "cpu"
    if not torch.cuda.is_available():
        assert resolve_device("auto") in ("cpu", "mps")
        with pytest.raises(DeviceError, match="--device cpu"):
            resolve_device("cuda")
    with pytest.raises(OptionError, match="auto, cpu, cuda, mps"):
        resolve_device("tpu")
    assert resolve_dtype("auto", "cpu") in (torch.float32, torch.bfloat16)  # by CPU: see options
    with pytest.raises(OptionError, match="needs a CUDA device"):
        resolve_dtype("float16", "cpu")


def test_voice_conditionals_are_computed_without_touching_the_builtin_voice(
    tiny_model, reference_voice
):
    builtin = tiny_model.tts.conds.t3.speaker_emb.clone()
    conds = adapter.prepare_conditionals(tiny_model, reference_voice, exaggeration=0.7)
    assert torch.equal(tiny_model.tts.conds.t3.speaker_emb, builtin)
    assert not torch.allclose(conds.t3.speaker_emb, builtin)
    assert float(conds.t3.emotion_adv.view(-1)[0]) == pytest.approx(0.7)
    # S3Gen prompt: 24 kHz mel frames are two per 25 Hz prompt token
    assert conds.gen["prompt_feat"].shape[1] == 2 * conds.gen["prompt_token"].shape[1]


def test_stock_engine_makes_960_samples_per_token_and_repeats_with_a_seed(tiny_model):
    gen = GenerationOptions(seed=3, cfm_steps=2)
    reqs = [
        SynthesisRequest(0, "Hello there.", 12),
        SynthesisRequest(1, "A second, longer chunk of text.", 16),
    ]
    first = list(StockEngine(tiny_model, gen).synthesize(reqs))
    assert [c.index for c in first] == [0, 1]
    for chunk, req in zip(first, reqs, strict=True):
        assert 0 < chunk.tokens <= req.max_new_tokens
        assert chunk.audio.dtype == np.float32 and chunk.audio.ndim == 1
        assert len(chunk.audio) == chunk.tokens * adapter.SAMPLES_PER_TOKEN
    again = list(StockEngine(tiny_model, gen).synthesize(reqs))
    for a, b in zip(first, again, strict=True):
        assert np.array_equal(a.audio, b.audio)


def test_random_tokenizer_voices_words_and_spaces_within_the_text_vocabulary():
    from tokenizers import Tokenizer

    from tts_cli.testing.checkpoint import tokenizer_json

    tok = Tokenizer.from_str(tokenizer_json())
    ids = tok.encode("Hi[SPACE]there.").ids
    assert 2 in ids and 1 not in ids and all(i < 704 for i in ids)
