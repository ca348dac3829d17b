"""Random-weight Chatterbox checkpoints in the layouts ``--model-dir`` loads.

    python -m tts_cli.testing.checkpoint DIR --size tiny|full --variant english|multilingual|turbo

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

from tts_cli.testing.tokenizers import (
    MTL_TEXT_VOCAB_SIZE,
    cangjie_table,
    grapheme_tokenizer_json,
    tokenizer_json,
    write_gpt2_tokenizer,
)

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
VARIANTS = ("english", "multilingual", "turbo")


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
    """A module's weights as ``.safetensors`` or, for ``.pt`` names, a torch state dict."""
    import torch
    from safetensors.torch import save_file

    # clone: safetensors refuses tensors that share storage (tied or sliced buffers)
    state = {k: v.detach().clone().contiguous() for k, v in module.state_dict().items()}
    if path.suffix == ".pt":
        torch.save(state, path)
    else:
        save_file(state, str(path))


#: File names of a multilingual fine-tune that adds languages (a Vietnamese one's names).
FINE_TUNE_FILES = {"t3": "t3_ml24ls_v2.safetensors", "tokenizer": "tokenizer_vi_expanded.json"}


def write_checkpoint(
    folder: Path,
    size: str = "tiny",
    seed: int = 0,
    variant: str = "english",
    add_languages: tuple[str, ...] = (),
) -> Path:
    """Write a random-weight model folder in ``variant``'s upstream layout, which
    ``load_model(ModelSpec(model_dir=folder, family=variant))`` loads.

    Several variants may be written into one folder (the hub repository holds English and
    Multilingual side by side). ``add_languages`` (multilingual only) writes a community
    fine-tune's layout instead: its own T3 and tokenizer file names and a larger text
    vocabulary with one ``[xx]`` token per added language.
    """
    import torch

    from tts_cli.engine import adapter
    from tts_cli.models import FAMILIES
    from tts_cli.models.folders import CONFIG_FILE, read_config

    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}, got {size!r}")
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    if add_languages and variant != "multilingual":
        raise ValueError("only a multilingual checkpoint can add languages")
    fam = FAMILIES[variant]
    files = dict(fam.files, **(FINE_TUNE_FILES if add_languages else {}))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    cb = adapter.api()
    torch.manual_seed(seed)
    t3_section = TINY_T3_BY_FAMILY[variant] if size == "tiny" else None
    hp = adapter.t3_config(t3_section, variant)
    if variant == "multilingual":
        languages = fam.languages + tuple(add_languages)
        hp.text_tokens_dict_size = MTL_TEXT_VOCAB_SIZE + len(add_languages)
        vocab = grapheme_tokenizer_json(languages, hp.text_tokens_dict_size)
        (folder / files["tokenizer"]).write_text(vocab, encoding="utf-8")
        cangjie = json.dumps(cangjie_table(seed), ensure_ascii=False)
        (folder / fam.extra_files[0]).write_text(cangjie, encoding="utf-8")
    elif variant == "turbo":
        write_gpt2_tokenizer(folder)
    else:
        (folder / files["tokenizer"]).write_text(tokenizer_json(), encoding="utf-8")
    with torch.inference_mode(False):
        t3 = cb.T3(hp).eval()
        s3gen = cb.S3Gen(meanflow=fam.meanflow).eval()
        ve = cb.VoiceEncoder().eval()
    _save(ve, folder / files["ve"])
    _save(t3, folder / files["t3"])
    _save(s3gen, folder / files["s3gen"])
    if t3_section is not None:
        config = {k: v for k, v in read_config(folder).items() if k != variant}
        config[variant] = {"t3": t3_section}
        (folder / CONFIG_FILE).write_text(
            json.dumps({"format": 2, **config}, indent=2), encoding="utf-8"
        )
    # The built-in voice: conditionals from a synthetic reference, computed by stock code.
    stock = {
        "english": cb.ChatterboxTTS,
        "multilingual": cb.ChatterboxMultilingualTTS,
        "turbo": cb.ChatterboxTurboTTS,
    }[variant]
    tts = adapter.quiet_stdout(stock, t3, s3gen, ve, None, "cpu")
    # tiny: a 2 s built-in voice keeps S3Gen cheap in tests (Turbo needs more than 5 s);
    # full: 6 s as the stock model uses
    ref_seconds = max(2.0 if size == "tiny" else 6.0, fam.voice.min_seconds + 1.0)
    ref = write_reference_wav(folder / "reference.wav", seconds=ref_seconds, seed=seed)
    adapter.quiet_stdout(tts.prepare_conditionals, str(ref), exaggeration=0.5)
    tts.conds.save(folder / files["conds"])
    ref.unlink()
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a random-weight Chatterbox model folder.")
    parser.add_argument("folder", type=Path, help="where to write the model files")
    parser.add_argument("--size", choices=SIZES, default="tiny", help="tiny T3 or the stock size")
    parser.add_argument(
        "--variant", choices=VARIANTS, default="english", help="which model's layout to write"
    )
    parser.add_argument(
        "--add-language",
        action="append",
        default=[],
        metavar="CODE",
        help="multilingual: write a fine-tune that adds this language (repeatable), e.g. vi",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for the random weights")
    args = parser.parse_args(argv)
    write_checkpoint(args.folder, args.size, args.seed, args.variant, tuple(args.add_language))
    print(args.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
