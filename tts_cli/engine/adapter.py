"""The one place that imports ``chatterbox``: model loading, voices and stock symbols.

Everything here imports chatterbox lazily, inside functions, so that ``ttsgen --help``
and the text and audio layers never pay for torch.
"""

from __future__ import annotations

import logging
import os
import warnings
from contextlib import redirect_stdout
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from tts_cli.errors import DeviceError, ModelError
from tts_cli.models.folders import CONFIG_FILE

logger = logging.getLogger(__name__)

SAMPLE_RATE_HZ = 24_000  # S3Gen output rate
TOKENS_PER_SECOND = 25  # speech tokens per second of audio
SAMPLES_PER_TOKEN = SAMPLE_RATE_HZ // TOKENS_PER_SECOND  # 960 samples (40 ms) per token
SPEECH_VOCAB_SIZE = 6561  # S3 speech tokens below this are speakable; above are special
# S3Gen buffers that are rebuilt by the constructor and never stored in checkpoints.
_S3GEN_IGNORABLE_MISSING = ("tokenizer._mel_filters", "tokenizer.window")


@dataclass(frozen=True)
class ModelSpec:
    """Which model to load and where to run it."""

    model_dir: Path | None = None
    """A local model folder; None downloads the family's files from the hub."""
    device: str = "auto"
    """auto|cpu|cuda[:N]|mps; auto picks cuda, then mps, then cpu."""
    dtype: str = "auto"
    """auto|float32|bfloat16|float16 for T3 and the flow decoder (engines apply it)."""
    family: str = "english"
    """``english``, ``multilingual`` or ``turbo`` (``tts_cli.models.FAMILIES``)."""


@dataclass
class LoadedModel:
    """A loaded Chatterbox model of one family and where it runs."""

    tts: Any
    """The stock model object (``ChatterboxTTS``, ``ChatterboxMultilingualTTS`` or
    ``ChatterboxTurboTTS``: t3, s3gen, ve, tokenizer, conds, watermarker)."""
    device: str
    dtype: Any
    """torch dtype that engines use for T3 and the flow decoder."""
    source: str
    """``hub:<repo>`` or the model folder's path."""
    identity: str
    """Stable identity of the weights (folder, family, file sizes and mtimes), for caches."""
    family: Any = None
    """The ``ModelFamily`` as its folder has it (file names, languages)."""
    text: Any = None
    """The family's text tokenizer: ``encode(text, lang) -> 1-D ids`` (``engine.tokenizers``)."""

    @property
    def name(self) -> str:
        """The family's name: the plan's ``model`` key."""
        return self.family.name


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
    from chatterbox import mtl_tts, tts_turbo
    from chatterbox.models.s3gen import S3GEN_SR, S3Gen
    from chatterbox.models.s3gen.const import S3GEN_SIL
    from chatterbox.models.s3tokenizer import S3_SR, drop_invalid_tokens
    from chatterbox.models.t3 import T3
    from chatterbox.models.t3.llama_configs import LLAMA_CONFIGS
    from chatterbox.models.t3.modules.cond_enc import T3Cond
    from chatterbox.models.t3.modules.t3_config import T3Config
    from chatterbox.models.tokenizers import EnTokenizer
    from chatterbox.models.tokenizers import tokenizer as mtl_text
    from chatterbox.models.voice_encoder import VoiceEncoder
    from chatterbox.tts import ChatterboxTTS, Conditionals, punc_norm

    return SimpleNamespace(
        S3GEN_SR=S3GEN_SR,
        S3GEN_SIL=S3GEN_SIL,
        S3_SR=S3_SR,
        S3Gen=S3Gen,
        T3=T3,
        T3Cond=T3Cond,
        T3Config=T3Config,
        LLAMA_CONFIGS=LLAMA_CONFIGS,
        EnTokenizer=EnTokenizer,
        VoiceEncoder=VoiceEncoder,
        ChatterboxTTS=ChatterboxTTS,
        ChatterboxMultilingualTTS=mtl_tts.ChatterboxMultilingualTTS,
        ChatterboxTurboTTS=tts_turbo.ChatterboxTurboTTS,
        Conditionals=Conditionals,
        punc_norm=punc_norm,
        # each model cleans punctuation its own way before tokenising
        punc_norms={
            "english": punc_norm,
            "multilingual": mtl_tts.punc_norm,
            "turbo": tts_turbo.punc_norm,
        },
        mtl_text=mtl_text,
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


def _read_state(path: Path) -> dict:
    """The tensors of a ``.safetensors`` or torch ``.pt`` weights file."""
    import torch
    from safetensors.torch import load_file

    try:
        if path.suffix == ".safetensors":
            return load_file(str(path))
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 - safetensors and torch raise many error types
        raise ModelError(
            f"model file {path} cannot be read ({type(e).__name__}: {str(e)[:120]})",
            "the file is damaged or not a weights file; download the model again",
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


def _t3(cb, folder) -> Any:
    """T3 of ``folder``'s family, sized by its ``ttsgen.json`` and its own text vocabulary."""
    path = folder.file("t3")
    state = _read_state(path)
    if "model" in state:  # some released checkpoints nest the state dict
        state = state["model"][0]
    hp = t3_config(folder.t3_config, folder.family.name)
    emb = state.get("text_emb.weight")
    if emb is not None and emb.shape[0] != hp.text_tokens_dict_size:
        # a fine-tune that added languages (and tokens) to the text vocabulary
        hp.text_tokens_dict_size = int(emb.shape[0])
    t3 = cb.T3(hp)
    _load_into(t3, state, path.name)
    if folder.family.backbone == "gpt2":
        del t3.tfmr.wte  # GPT-2's own token embedding: T3 feeds embeddings, as stock does
    return t3


def load_model(spec: ModelSpec) -> LoadedModel:
    """Load ``spec.family`` from ``spec.model_dir`` or the hub, in eval mode."""
    from tts_cli.engine.device import resolve_device, resolve_dtype
    from tts_cli.models.folders import resolve_folders

    device = resolve_device(spec.device)
    dtype = resolve_dtype(spec.dtype, device)
    dirs = [Path(spec.model_dir).expanduser()] if spec.model_dir is not None else None
    folder = resolve_folders([spec.family], dirs)[spec.family]
    return load_folder(folder, device, dtype)


def load_folder(folder, device: str, dtype) -> LoadedModel:
    """Load the model of a ``tts_cli.models.folders.ModelFolder`` onto ``device``.

    Out of GPU memory while loading is a ``DeviceError`` naming the fixes, raised after the
    partly loaded model is gone (outside the ``except`` block that would keep it alive)."""
    from tts_cli.engine.memory import free_memory, is_oom

    try:
        return _load_folder(folder, device, dtype)
    except Exception as e:
        if not is_oom(e):
            raise
        e.__traceback__ = None
    free_memory(device)
    raise load_oom_error(folder.family.title, device)


def load_oom_error(what: str, device: str) -> DeviceError:
    """The one-line error for running out of GPU memory while loading ``what``."""
    return DeviceError(
        f"out of GPU memory while loading the {what} model onto {device}",
        "use --cpu-offload, --dtype bfloat16 or float16, a GPU with more free memory, "
        "or --device cpu",
    )


def _load_folder(folder, device: str, dtype) -> LoadedModel:
    import torch

    from tts_cli.engine.tokenizers import text_tokenizer

    fam = folder.family
    cb = api()
    with torch.inference_mode(False):
        ve = cb.VoiceEncoder()
        _load_into(ve, _read_state(folder.file("ve")), fam.files["ve"])
        t3 = _t3(cb, folder)
        s3gen = cb.S3Gen(meanflow=fam.meanflow)
        # Stock loads S3Gen with strict=False, so misnamed keys would silently stay random.
        _load_into(
            s3gen,
            _read_state(folder.file("s3gen")),
            fam.files["s3gen"],
            strict=False,
            ignorable=_S3GEN_IGNORABLE_MISSING,
        )
    text = text_tokenizer(folder)
    conds = None
    if folder.has("conds"):
        try:
            conds = cb.Conditionals.load(folder.file("conds"), map_location="cpu").to(device)
        except Exception as e:  # noqa: BLE001 - torch.load raises many types
            raise ModelError(
                f"model file {folder.file('conds')} cannot be loaded ({type(e).__name__})",
                "download the model again, or pass --voice",
            ) from None
    for m in (ve, t3, s3gen):
        m.to(device).eval()
    stock = {
        "english": cb.ChatterboxTTS,
        "multilingual": cb.ChatterboxMultilingualTTS,
        "turbo": cb.ChatterboxTurboTTS,
    }[fam.name]
    tts = quiet_stdout(stock, t3, s3gen, ve, text.stock, device, conds=conds)
    logger.info("loaded the %s model from %s on %s", fam.title, folder.source, device)
    return LoadedModel(
        tts=tts,
        device=device,
        dtype=dtype,
        source=folder.source,
        identity=folder.identity,
        family=fam,
        text=text,
    )


def check_voice_file(path: Path, min_seconds: float = 1.0, model: str | None = None) -> float:
    """Duration in seconds of a reference voice clip; ``ModelError`` if it is not usable audio.

    ``min_seconds``: the shortest clip the model accepts (Turbo asks for more than 5 s);
    ``model`` names it in that message.
    """
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
    if seconds < min_seconds:
        who = f" for the {model} model (it needs {min_seconds:g} s)" if model else ""
        raise ModelError(f"voice file is too short{who} ({seconds:.2f} s): {path}", fix)
    active = active_voice_seconds(path)
    if active < VOICE_MIN_ACTIVE_S:
        raise ModelError(
            f"voice file is silent or nearly so ({active:.1f} s of its first "
            f"{VOICE_USED_S:g} s above {VOICE_ACTIVE_DBFS:g} dBFS): {path}",
            fix,
        )
    return seconds


#: Chatterbox conditions on the start of the clip; only that much is measured.
VOICE_USED_S = 10.0
#: A 50 ms frame whose RMS is above this level counts as sound: speech recorded at any
#: usable level has its syllables at -35 to -10 dBFS, a quiet room is -60 to -70.
VOICE_ACTIVE_DBFS = -50.0
#: Fewer seconds of sound than this and the clip has no voice to clone (a second of
#: speech is a few syllables; the model's own minimum clip is 1 s).
VOICE_MIN_ACTIVE_S = 1.0
_FRAME_S = 0.05


def active_voice_seconds(path: Path) -> float:
    """Seconds of the clip's first ``VOICE_USED_S`` with sound: 50 ms frames whose RMS,
    over all channels, is above ``VOICE_ACTIVE_DBFS``."""
    import numpy as np
    import soundfile as sf

    with sf.SoundFile(str(path)) as f:
        rate = f.samplerate
        audio = f.read(int(VOICE_USED_S * rate), dtype="float32", always_2d=True)
    frame = max(1, int(_FRAME_S * rate))
    n = len(audio) // frame
    if n == 0:
        return 0.0
    frames = audio[: n * frame].reshape(n, frame * audio.shape[1]).astype(np.float64)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    threshold = 10 ** (VOICE_ACTIVE_DBFS / 20)
    return float(np.count_nonzero(rms > threshold)) * frame / rate


def prepare_conditionals(model: LoadedModel, voice: Path | None, exaggeration: float | None):
    """Conditionals for ``voice`` (None: the model's built-in voice), computed once.

    Runs the family's own stock ``prepare_conditionals`` (how much of the clip each part
    uses, Turbo's loudness normalisation). Does not touch ``model.tts.conds``: the returned
    object is the caller's. ``exaggeration`` None: a model without emotion input.
    """
    import copy

    import torch

    cb = api()
    tts = model.tts
    if voice is None:
        if tts.conds is None:
            raise ModelError(
                f"the {model.family.title} model in {model.source} has no built-in voice "
                "(no conds.pt)",
                "pass --voice with a clip of 5-10 s of clean speech",
            )
        conds = copy.deepcopy(tts.conds)
    else:
        check_voice_file(voice, model.family.voice.min_seconds, model.family.title)
        saved = tts.conds
        try:
            with torch.inference_mode():
                tts.prepare_conditionals(str(voice), exaggeration=exaggeration or 0.0)
            conds = tts.conds
        finally:
            tts.conds = saved
    if exaggeration is None:
        return conds
    current = conds.t3.emotion_adv
    if not torch.is_tensor(current) or float(current.view(-1)[0]) != exaggeration:
        conds.t3 = cb.T3Cond(
            speaker_emb=conds.t3.speaker_emb,
            cond_prompt_speech_tokens=conds.t3.cond_prompt_speech_tokens,
            emotion_adv=exaggeration * torch.ones(1, 1, 1),
        ).to(device=model.device)
    return conds
