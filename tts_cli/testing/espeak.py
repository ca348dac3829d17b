"""Real (if robotic) speech in every supported language, from the ``espeak-ng`` program.

The quality gate's duration and silence checks are calibrated on it and tested with it
(``tts_cli.benchmarks.speaking_rate``, ``tests/test_quality_*.py``): it is a formant
synthesiser, so it needs no model weights, and Debian's ``espeak-ng`` package speaks all
23 languages of Chatterbox Multilingual. Its audio is 22.05 kHz; we resample it to the
engine's 24 kHz so the checks see the rate they see in production.

Two languages need care. espeak-ng 1.51 reads kanji as the English words "Chinese
letter", so Japanese is given to it in kana (``pykakasi``, a chatterbox dependency), which
it reads mora by mora. Its Mandarin voice speaks pinyin and reads some tone digits out in
English ("men five"), which stretches any Chinese text by 30-60 %: Chinese espeak audio
is no duration reference (``RELIABLE_DURATION`` leaves it out).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

#: espeak-ng voice per language code where the two differ (Mandarin is ``cmn``;
#: Norwegian Bokmål ``nb``); every other code is its own voice name.
VOICES = {"zh": "cmn", "no": "nb"}

#: Languages whose espeak-ng speech has a trustworthy duration (all but Chinese).
RELIABLE_DURATION = frozenset(
    "ar da de el en es fi fr he hi it ja ko ms nl no pl pt ru sv sw tr".split()
)

ESPEAK_RATE_HZ = 22050  # espeak-ng writes 22.05 kHz WAV
TARGET_RATE_HZ = 24000  # what the engine yields


def available() -> bool:
    """Whether the ``espeak-ng`` program is installed."""
    return shutil.which("espeak-ng") is not None


def speak(text: str, lang: str, *, sample_rate_hz: int = TARGET_RATE_HZ) -> np.ndarray:
    """``text`` spoken in ``lang`` by espeak-ng, float32 mono at ``sample_rate_hz``.

    Raises ``RuntimeError`` when espeak-ng is missing or fails (a test or benchmark
    helper: callers skip or stop, there is no user input here).
    """
    import soundfile as sf
    from scipy.signal import resample_poly

    exe = shutil.which("espeak-ng")
    if exe is None:
        raise RuntimeError("espeak-ng is not installed; apt-get install espeak-ng")
    voice = VOICES.get(lang, lang)
    if lang == "ja":
        text = _kana(text)
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        # the text goes on stdin so a leading "-" or a very long text is never an option
        done = subprocess.run(
            [exe, "-v", voice, "-w", str(wav), "--stdin"],
            input=text.encode("utf-8"),
            capture_output=True,
            check=False,
        )
        if done.returncode != 0 or not wav.exists():
            raise RuntimeError(f"espeak-ng -v {voice} failed: {done.stderr.decode()[-200:]}")
        audio, rate = sf.read(wav, dtype="float32", always_2d=False)
    if audio.ndim > 1:
        audio = audio.mean(axis=1)
    if rate != sample_rate_hz:
        g = np.gcd(rate, sample_rate_hz)
        audio = resample_poly(audio, sample_rate_hz // g, rate // g).astype(np.float32)
    return np.ascontiguousarray(audio, dtype=np.float32)


def _kana(text: str) -> str:
    """Japanese ``text`` with its kanji replaced by their hiragana reading."""
    import pykakasi

    return "".join(part["hira"] for part in pykakasi.kakasi().convert(text))
