"""The one place that imports ``chatterbox``: model loading, voices and stock symbols.

Everything here imports chatterbox lazily, inside functions, so that ``ttsgen --help``
and the text and audio layers never pay for torch.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from contextlib import redirect_stdout
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from tts_cli.errors import ModelError

logger = logging.getLogger(__name__)

REPO_ID = "ResembleAI/chatterbox"
SAMPLE_RATE_HZ = 24_000  # S3Gen output rate
TOKENS_PER_SECOND = 25  # speech tokens per second of audio
SAMPLES_PER_TOKEN = SAMPLE_RATE_HZ // TOKENS_PER_SECOND  # 960 samples (40 ms) per token
MODEL_FILES = (
    "ve.safetensors",
    "t3_cfg.safetensors",
    "s3gen.safetensors",
    "tokenizer.json",
    "conds.pt",
)
CONFIG_FILE = "ttsgen.json"  # ours: describes a non-default T3 size; absent in the hub folder
# S3Gen buffers that are rebuilt by the constructor and never stored in checkpoints.
_S3GEN_IGNORABLE_MISSING = ("tokenizer._mel_filters", "tokenizer.window")


@dataclass(frozen=True)
class ModelSpec:
    """Which model to load and where to run it."""

    model_dir: Path | None = None
    """A local folder in the ResembleAI/chatterbox layout; None downloads from the hub."""
    device: str = "auto"
    """auto|cpu|cuda[:N]|mps; auto picks cuda, then mps, then cpu."""
    dtype: str = "auto"
    """auto|float32|bfloat16|float16 for T3 and the flow decoder (engines apply it)."""


@dataclass
class LoadedModel:
    """A loaded English Chatterbox model and where it runs."""

    tts: Any
    """The stock ``chatterbox.tts.ChatterboxTTS`` object (t3, s3gen, ve, tokenizer, conds)."""
    device: str
    dtype: Any
    """torch dtype that engines use for T3 and the flow decoder."""
    source: str
    """``hub:ResembleAI/chatterbox`` or the model folder's path."""
    identity: str
    """Stable identity of the weights (folder path + file sizes and mtimes), for caches."""


def _quiet_imports() -> None:
    # chatterbox draws a tqdm bar on every T3 call; transformers warns about sdpa attention;
    # perth and diffusers warn about deprecations the user cannot act on.
    os.environ.setdefault("TQDM_DISABLE", "1")
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
    warnings.filterwarnings("ignore", category=FutureWarning, module="diffusers")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
    except ImportError:  # pragma: no cover - transformers is a chatterbox dependency
        pass


def api() -> SimpleNamespace:
    """Chatterbox symbols the engines use, imported on first call."""
    _quiet_imports()
    from chatterbox.models.s3gen import S3GEN_SR, S3Gen
    from chatterbox.models.s3tokenizer import S3_SR, drop_invalid_tokens
    from chatterbox.models.t3 import T3
    from chatterbox.models.t3.llama_configs import LLAMA_CONFIGS
    from chatterbox.models.t3.modules.cond_enc import T3Cond
    from chatterbox.models.t3.modules.t3_config import T3Config
    from chatterbox.models.tokenizers import EnTokenizer
    from chatterbox.models.voice_encoder import VoiceEncoder
    from chatterbox.tts import ChatterboxTTS, Conditionals, punc_norm

    return SimpleNamespace(
        S3GEN_SR=S3GEN_SR,
        S3_SR=S3_SR,
        S3Gen=S3Gen,
        T3=T3,
        T3Cond=T3Cond,
        T3Config=T3Config,
        LLAMA_CONFIGS=LLAMA_CONFIGS,
        EnTokenizer=EnTokenizer,
        VoiceEncoder=VoiceEncoder,
        ChatterboxTTS=ChatterboxTTS,
        Conditionals=Conditionals,
        punc_norm=punc_norm,
        drop_invalid_tokens=drop_invalid_tokens,
    )


#: T3 hyper-parameters of each upstream model, as their ``from_local`` sets them up.
T3_FAMILIES = ("english", "multilingual", "turbo")


def _base_t3_config(cb, family: str):
    if family == "english":
        return cb.T3Config.english_only()
    if family == "multilingual":
        return cb.T3Config.multilingual()
    if family == "turbo":  # ChatterboxTurboTTS.from_local
        hp = cb.T3Config(text_tokens_dict_size=50276)
        hp.llama_config_name = "GPT2_medium"
        hp.speech_tokens_dict_size = 6563
        hp.input_pos_emb = None
        hp.speech_cond_prompt_len = 375
        hp.use_perceiver_resampler = False
        hp.emotion_adv = False
        return hp
    raise ValueError(f"unknown T3 family {family!r}; use one of {T3_FAMILIES}")


def t3_config(config: dict | None, family: str = "english"):
    """A ``T3Config`` for a ``ttsgen.json`` T3 section (None: the stock T3 of ``family``).

    A section names a backbone (``llama_config_name``, optionally with its ``llama_config``)
    and may override ``use_perceiver_resampler``, ``speech_cond_prompt_len``,
    ``max_text_tokens``, ``max_speech_tokens`` and ``text_tokens_dict_size``.
    """
    cb = api()
    hp = _base_t3_config(cb, family)
    if not config:
        return hp
    name = config["llama_config_name"]
    if "llama_config" in config:
        cb.LLAMA_CONFIGS[name] = dict(config["llama_config"])
    elif name not in cb.LLAMA_CONFIGS:
        raise ModelError(
            f"{CONFIG_FILE} names an unknown T3 backbone {name!r}",
            f"add a 'llama_config' entry, or use one of {sorted(cb.LLAMA_CONFIGS)}",
        )
    hp.llama_config_name = name
    hp.use_perceiver_resampler = bool(config.get("use_perceiver_resampler", True))
    for key in (
        "speech_cond_prompt_len",
        "max_text_tokens",
        "max_speech_tokens",
        "text_tokens_dict_size",
    ):
        if key in config:
            setattr(hp, key, int(config[key]))
    return hp


def quiet_stdout(fn, *args, **kwargs):
    """Call ``fn`` with stdout captured: the Perth watermarker prints on construction, and
    stdout belongs to ``--json`` and ``-o -``."""
    buf = StringIO()
    with redirect_stdout(buf):
        result = fn(*args, **kwargs)
    if buf.getvalue().strip():
        logger.debug("%s", buf.getvalue().strip())
    return result


def _clip(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(".,;:") + "..."


def download_model() -> Path:
    """Fetch the stock model files into the Hugging Face cache; honours ``HF_HUB_OFFLINE``."""
    try:
        from huggingface_hub import hf_hub_download
    except ImportError as e:  # pragma: no cover - a chatterbox dependency
        raise ModelError("huggingface_hub is not installed", "pip install huggingface_hub") from e
    path = None
    for name in MODEL_FILES:
        try:
            path = hf_hub_download(repo_id=REPO_ID, filename=name)
        except Exception as e:  # noqa: BLE001 - hub errors come in many types; all mean "no model"
            reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise ModelError(
                f"could not download {name} of {REPO_ID} ({_clip(reason, 160)})",
                "check the network (and HF_HUB_OFFLINE), or pass --model-dir with a local model folder",
            ) from None
    assert path is not None
    return Path(path).parent


def check_model_dir(folder: Path) -> None:
    """Raise ``ModelError`` unless ``folder`` holds every model file."""
    if not folder.is_dir():
        raise ModelError(
            f"model folder not found: {folder}",
            "pass --model-dir a folder holding " + ", ".join(MODEL_FILES),
        )
    for name in MODEL_FILES:
        if not (folder / name).is_file():
            raise ModelError(
                f"model folder {folder} is missing {name}",
                "give a folder with "
                + ", ".join(MODEL_FILES)
                + " (the ResembleAI/chatterbox layout)",
            )


def _identity(folder: Path) -> str:
    stats = []
    for name in MODEL_FILES + (CONFIG_FILE,):
        p = folder / name
        if p.exists():
            st = p.stat()
            stats.append(f"{name}:{st.st_size}:{int(st.st_mtime)}")
    return f"{folder.resolve()}|{'|'.join(stats)}"


def _load_weights(folder: Path, name: str) -> dict:
    from safetensors.torch import load_file

    try:
        return load_file(str(folder / name))
    except Exception as e:  # noqa: BLE001 - safetensors raises several error types
        raise ModelError(
            f"model file {folder / name} cannot be read ({type(e).__name__}: {str(e)[:120]})",
            "the file is damaged or not a safetensors file; download the model again",
        ) from None


def _load_into(module, state: dict, name: str, *, strict: bool = True, ignorable=()) -> None:
    try:
        missing, unexpected = module.load_state_dict(state, strict=False)
    except RuntimeError as e:
        detail = " ".join(str(e).split())[:200]
        raise ModelError(
            f"model file {name} does not fit the model ({detail})",
            f"download the model again, or describe its size in {CONFIG_FILE}",
        ) from None
    missing = [k for k in missing if not k.startswith(ignorable)] if ignorable else list(missing)
    if missing or (strict and unexpected):
        bad = missing or unexpected
        what = "lacks" if missing else "has unknown"
        raise ModelError(
            f"model file {name} {what} {len(bad)} weights (e.g. {bad[0]})",
            f"download the model again, or describe its size in {CONFIG_FILE}",
        )


def load_model(spec: ModelSpec) -> LoadedModel:
    """Load the English Chatterbox model from ``spec.model_dir`` or the hub, in eval mode."""
    from tts_cli.engine.device import resolve_device, resolve_dtype

    device = resolve_device(spec.device)
    dtype = resolve_dtype(spec.dtype, device)
    if spec.model_dir is not None:
        folder = Path(spec.model_dir).expanduser()
        source = str(folder)
    else:
        folder = download_model()
        source = f"hub:{REPO_ID}"
    check_model_dir(folder)

    config = None
    if (folder / CONFIG_FILE).is_file():
        try:
            config = json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8")).get("t3")
        except (OSError, ValueError) as e:
            raise ModelError(
                f"{folder / CONFIG_FILE} is not valid JSON ({e})", "fix or delete that file"
            ) from None

    import torch

    cb = api()
    with torch.inference_mode(False):
        ve = cb.VoiceEncoder()
        _load_into(ve, _load_weights(folder, "ve.safetensors"), "ve.safetensors")
        t3 = cb.T3(t3_config(config))
        t3_state = _load_weights(folder, "t3_cfg.safetensors")
        if "model" in t3_state:  # some released checkpoints nest the state dict
            t3_state = t3_state["model"][0]
        _load_into(t3, t3_state, "t3_cfg.safetensors")
        s3gen = cb.S3Gen()
        # Stock loads S3Gen with strict=False, so misnamed keys would silently stay random.
        _load_into(
            s3gen,
            _load_weights(folder, "s3gen.safetensors"),
            "s3gen.safetensors",
            strict=False,
            ignorable=_S3GEN_IGNORABLE_MISSING,
        )
    try:
        tokenizer = cb.EnTokenizer(str(folder / "tokenizer.json"))
    except Exception as e:  # noqa: BLE001 - tokenizers raises plain Exception on bad files
        raise ModelError(
            f"model file {folder / 'tokenizer.json'} is not a valid tokenizer ({str(e)[:120]})",
            "download the model again",
        ) from None
    try:
        conds = cb.Conditionals.load(folder / "conds.pt", map_location="cpu")
    except Exception as e:  # noqa: BLE001 - torch.load raises many types
        raise ModelError(
            f"model file {folder / 'conds.pt'} cannot be loaded ({type(e).__name__})",
            "download the model again",
        ) from None

    for m in (ve, t3, s3gen):
        m.to(device).eval()
    tts = quiet_stdout(cb.ChatterboxTTS, t3, s3gen, ve, tokenizer, device, conds=conds.to(device))
    logger.info("loaded %s on %s", source, device)
    return LoadedModel(
        tts=tts, device=device, dtype=dtype, source=source, identity=_identity(folder)
    )


def check_voice_file(path: Path) -> float:
    """Duration in seconds of a reference voice clip; ``ModelError`` if it is not usable audio."""
    import soundfile as sf

    path = Path(path)
    fix = "give a WAV, FLAC or MP3 of 5-10 s of clean speech"
    if not path.is_file():
        raise ModelError(f"voice file not found: {path}", fix)
    try:
        info = sf.info(str(path))
    except Exception:  # noqa: BLE001 - libsndfile reports every failure as one error type
        raise ModelError(f"voice file is not audio: {path}", fix) from None
    if info.frames == 0 or info.samplerate <= 0:
        raise ModelError(f"voice file has no audio: {path}", fix)
    seconds = info.frames / info.samplerate
    if seconds < 1.0:
        raise ModelError(f"voice file is too short ({seconds:.2f} s): {path}", fix)
    return seconds


def prepare_conditionals(model: LoadedModel, voice: Path | None, exaggeration: float):
    """Conditionals for ``voice`` (None: the model's built-in voice), computed once.

    Does not touch ``model.tts.conds``: the returned object is the caller's.
    """
    import copy

    import torch

    cb = api()
    tts = model.tts
    if voice is None:
        conds = copy.deepcopy(tts.conds)
    else:
        check_voice_file(voice)
        saved = tts.conds
        try:
            with torch.inference_mode():
                tts.prepare_conditionals(str(voice), exaggeration=exaggeration)
            conds = tts.conds
        finally:
            tts.conds = saved
    current = conds.t3.emotion_adv
    if not torch.is_tensor(current) or float(current.view(-1)[0]) != exaggeration:
        conds.t3 = cb.T3Cond(
            speaker_emb=conds.t3.speaker_emb,
            cond_prompt_speech_tokens=conds.t3.cond_prompt_speech_tokens,
            emotion_adv=exaggeration * torch.ones(1, 1, 1),
        ).to(device=model.device)
    return conds
