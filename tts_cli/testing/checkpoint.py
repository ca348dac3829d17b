"""Random-weight Chatterbox checkpoints in the layout ``--model-dir`` loads.

    python -m tts_cli.testing.checkpoint DIR --size tiny|full

``tiny``: a 2-layer, hidden-128 Llama T3 (no perceiver resampler, which is hard-wired to 1024
channels) with the stock S3Gen and voice encoder, whose sizes are fixed by their constructors
(~1.1 GB). ``full``: the stock architecture (~3.2 GB). Model cost does not depend on weight
values, so full-size random weights give real timings; random weights never emit the stop
token, so callers must bound the token budget.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

SIZES = ("tiny", "full")
TINY_T3 = {
    "llama_config_name": "ttsgen_tiny",
    "use_perceiver_resampler": False,
    "llama_config": {
        "vocab_size": 8,
        "max_position_embeddings": 8192,
        "hidden_size": 128,
        "intermediate_size": 256,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 4,
        "head_dim": 32,
        "attn_implementation": "sdpa",
        "tie_word_embeddings": False,
        "hidden_act": "silu",
        "attention_bias": False,
        "attention_dropout": 0.0,
        "initializer_range": 0.02,
        "mlp_bias": False,
        "model_type": "llama",
        "pretraining_tp": 1,
        "rms_norm_eps": 1e-05,
        "rope_theta": 500000.0,
        "use_cache": True,
    },
}
#: A tiny multilingual T3: the stock alignment analyser reads heads of layers 9, 12 and 13
#: (up to head 15), so it needs at least 14 layers and 16 heads.
TINY_MTL_T3 = {
    "llama_config_name": "ttsgen_tiny_mtl",
    "use_perceiver_resampler": False,
    "llama_config": {
        **TINY_T3["llama_config"],
        "num_hidden_layers": 14,
        "num_attention_heads": 16,
        "num_key_value_heads": 16,
        "head_dim": 8,
    },
}
#: A tiny Turbo T3: GPT-2 with 2 layers of width 128 (stock: GPT-2 medium, 24 x 1024).
TINY_TURBO_T3 = {
    "llama_config_name": "ttsgen_tiny_gpt2",
    "use_perceiver_resampler": False,
    "llama_config": {
        "activation_function": "gelu_new",
        "architectures": ["GPT2LMHeadModel"],
        "attn_pdrop": 0.1,
        "bos_token_id": 50256,
        "embd_pdrop": 0.1,
        "eos_token_id": 50256,
        "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-05,
        "model_type": "gpt2",
        "n_ctx": 8196,
        "n_embd": 128,
        "hidden_size": 128,
        "n_head": 4,
        "n_layer": 2,
        "n_positions": 8196,
        "resid_pdrop": 0.1,
        "summary_first_dropout": 0.1,
        "vocab_size": 50276,
    },
}
#: The tiny T3 section of each family (``adapter.t3_config(section, family)``).
TINY_T3_BY_FAMILY = {"english": TINY_T3, "multilingual": TINY_MTL_T3, "turbo": TINY_TURBO_T3}
TEXT_VOCAB_SIZE = 704  # T3's English text vocabulary
START_ID, STOP_ID, UNK_ID, SPACE_ID = 255, 0, 1, 2


def tokenizer_json() -> str:
    """A valid 704-entry character-level tokenizer: [STOP]=0, [UNK]=1, [SPACE]=2, [START]=255."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    specials = {"[STOP]": STOP_ID, "[UNK]": UNK_ID, "[SPACE]": SPACE_ID, "[START]": START_ID}
    extra_specials = ["[PAD]", "[SEP]", "[CLS]", "[MASK]"]
    chars = [chr(c) for c in range(33, 127)]
    chars += [chr(c) for c in range(0xA1, 0x250) if chr(c).isprintable()]
    chars += list("\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00ab\u00bb")
    vocab: dict[str, int] = dict(specials)
    next_id = 3
    for tok in extra_specials + sorted(set(chars)):
        while next_id in vocab.values() or next_id == START_ID:
            next_id += 1
        if next_id >= TEXT_VOCAB_SIZE:
            break
        if tok not in vocab:
            vocab[tok] = next_id
            next_id += 1
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[], unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.add_special_tokens(list(specials) + extra_specials)
    return tok.to_str()


def speech_like_wave(seconds: float, sample_rate_hz: int = 24_000, seed: int = 0) -> np.ndarray:
    """A few seconds of a voiced, syllable-rate-modulated signal that the S3 tokenizer accepts."""
    rng = np.random.default_rng(seed)
    n = int(seconds * sample_rate_hz)
    t = np.arange(n) / sample_rate_hz
    f0 = 120 + 25 * np.sin(2 * np.pi * 0.7 * t) + 10 * np.sin(2 * np.pi * 3.1 * t)
    phase = 2 * np.pi * np.cumsum(f0) / sample_rate_hz
    voiced = sum(np.sin(k * phase) / k for k in range(1, 12))
    syllables = np.clip(np.sin(2 * np.pi * 4.0 * t), 0, None) ** 0.6
    wave = 0.25 * voiced * syllables + 0.01 * rng.standard_normal(n)
    return (0.5 * wave / np.max(np.abs(wave))).astype(np.float32)


def write_reference_wav(path: Path, seconds: float = 4.0, seed: int = 0) -> Path:
    """Write a synthetic reference voice clip (24 kHz mono WAV)."""
    import soundfile as sf

    sf.write(str(path), speech_like_wave(seconds, seed=seed), 24_000, subtype="PCM_16")
    return Path(path)


def _save(module, path: Path) -> None:
    from safetensors.torch import save_file

    # clone: safetensors refuses tensors that share storage (tied or sliced buffers)
    state = {k: v.detach().clone().contiguous() for k, v in module.state_dict().items()}
    save_file(state, str(path))


def write_checkpoint(folder: Path, size: str = "tiny", seed: int = 0) -> Path:
    """Write a random-weight model folder that ``load_model(ModelSpec(model_dir=folder))`` loads."""
    import torch

    from tts_cli.engine import adapter

    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}, got {size!r}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    cb = adapter.api()
    torch.manual_seed(seed)
    t3_section = TINY_T3 if size == "tiny" else None
    with torch.inference_mode(False):
        t3 = cb.T3(adapter.t3_config(t3_section)).eval()
        s3gen = cb.S3Gen().eval()
        ve = cb.VoiceEncoder().eval()
    (folder / "tokenizer.json").write_text(tokenizer_json(), encoding="utf-8")
    _save(ve, folder / "ve.safetensors")
    _save(t3, folder / "t3_cfg.safetensors")
    _save(s3gen, folder / "s3gen.safetensors")
    if t3_section is not None:
        (folder / adapter.CONFIG_FILE).write_text(
            json.dumps({"format": 1, "t3": t3_section}, indent=2), encoding="utf-8"
        )
    # The built-in voice: conditionals from a synthetic reference, computed by stock code.
    tokenizer = cb.EnTokenizer(str(folder / "tokenizer.json"))
    tts = adapter.quiet_stdout(cb.ChatterboxTTS, t3, s3gen, ve, tokenizer, "cpu")
    # tiny: a 2 s built-in voice keeps S3Gen cheap in tests; full: 6 s as the stock model uses
    ref_seconds = 2.0 if size == "tiny" else 6.0
    ref = write_reference_wav(folder / "reference.wav", seconds=ref_seconds, seed=seed)
    tts.prepare_conditionals(str(ref), exaggeration=0.5)
    tts.conds.save(folder / "conds.pt")
    ref.unlink()
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a random-weight Chatterbox model folder.")
    parser.add_argument("folder", type=Path, help="where to write the model files")
    parser.add_argument("--size", choices=SIZES, default="tiny", help="tiny T3 or the stock size")
    parser.add_argument("--seed", type=int, default=0, help="seed for the random weights")
    args = parser.parse_args(argv)
    write_checkpoint(args.folder, args.size, args.seed)
    print(args.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
