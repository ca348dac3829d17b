"""Quality gate: checks on espeak-ng speech, and the retry/split policy on a fake engine."""

from __future__ import annotations

import numpy as np
import pytest

from tts_cli.engine.base import ChunkAudio, SynthesisRequest
from tts_cli.quality.checks import GateOptions, assess
from tts_cli.quality.retry import derive_seed, gate, in_order
from tts_cli.testing import espeak
from tts_cli.testing.sentences import SENTENCES, paragraph
from tts_cli.text.languages import expected_seconds

RATE = 24000
needs_espeak = pytest.mark.skipif(not espeak.available(), reason="espeak-ng not installed")


def _req(text, lang="en", index=0, budget=1000, seed=7):
    return SynthesisRequest(index, text, budget, lang, seed=seed)


def _verdict(text, lang, audio, stopped=True):
    return assess(_req(text, lang), ChunkAudio(0, audio, 10, stopped), RATE)


@needs_espeak
@pytest.mark.parametrize("lang", sorted(espeak.RELIABLE_DURATION))
def test_clean_espeak_speech_is_never_flagged(lang):
    for text in (*SENTENCES[lang], paragraph(lang)):
        v = _verdict(text, lang, espeak.speak(text, lang))
        assert v.reasons == (), (lang, text, v)


@needs_espeak
@pytest.mark.parametrize("lang", ["en", "fr", "de", "es"])
def test_damaged_espeak_speech_is_flagged(lang):
    text = paragraph(lang)
    audio = espeak.speak(text, lang)
    mid = audio.size // 2
    gap = np.concatenate([audio[:mid], np.zeros(3 * RATE, np.float32), audio[mid:]])
    assert "long_silence" in _verdict(text, lang, gap).reasons
    noise = np.random.default_rng(0).standard_normal(2 * RATE).astype(np.float32) * 0.05
    assert "trailing_noise" in _verdict(text, lang, np.concatenate([audio, noise])).reasons
    assert "too_short" in _verdict(text, lang, audio[:mid]).reasons
    reps = int(np.ceil(3 * expected_seconds(text, lang) * RATE / audio.size)) + 1
    slow = np.concatenate([audio] * reps)  # at least 3x the expected length
    assert _verdict(text, lang, slow).analysis.speech_s > 3 * expected_seconds(text, lang)
    assert "too_long" in _verdict(text, lang, slow).reasons
    assert "no_stop_token" in _verdict(text, lang, audio, stopped=False).reasons


def test_silence_is_no_speech():
    assert "no_speech" in _verdict("Hello there.", "en", np.zeros(RATE, np.float32)).reasons


def _fake_speak(calls, good_seeds, short_ok=True):
    """A take is clean speech-like tone of the text's expected length when its seed is in
    ``good_seeds`` (or the text is short), else silence."""

    def speak(batch):
        calls.append([(r.text, r.seed) for r in batch])
        out = []
        for r in batch:
            seconds = expected_seconds(r.text, r.language)
            t = np.arange(int(seconds * RATE)) / RATE
            tone = (0.3 * np.sign(np.sin(2 * np.pi * 150 * t))).astype(np.float32)
            ok = r.seed in good_seeds or (short_ok and len(r.text) < 40)
            out.append(ChunkAudio(r.index, tone if ok else tone * 0, len(t) // 960, True))
        return out

    return speak


TEXT = "The morning was cold, and the streets were empty. The old man opened the door slowly."


def test_retry_uses_derived_seeds_batched_and_keeps_the_passing_take():
    calls = []
    good = {derive_seed(7, 0, 2)}
    reqs = [_req(TEXT, index=i, seed=7) for i in range(3)]
    reqs[1] = _req(TEXT, index=1, seed=None)
    speak = _fake_speak(calls, good | {7})
    out = list(gate(reqs, speak, GateOptions(retries=2), batch_size=3))
    assert sorted(c.index for c in out) == [0, 1, 2]
    by = {c.index: c for c in out}
    assert by[0].action == by[2].action == "accepted"
    assert by[1].action in ("retried", "split", "kept_best")
    assert all(len(call) <= 3 for call in calls)


def test_retries_of_several_chunks_share_one_call_and_split_covers_text():
    calls = []
    reqs = [_req(TEXT, index=i, seed=100 + i) for i in range(2)]
    out = list(gate(reqs, _fake_speak(calls, set()), GateOptions(retries=2), batch_size=4))
    assert [len(c) for c in calls] == [2, 2, 2, 4]  # first takes, retry 1, retry 2, pieces
    pieces = [t for t, _ in calls[3][:2]]
    assert " ".join(pieces) == TEXT
    assert {c.action for c in out} == {"split"} and all(c.attempts == 4 for c in out)
    assert calls[1][0][1] == derive_seed(100, 0, 1) != calls[2][0][1]


def test_rerun_gives_the_same_takes():
    a, b = [], []
    reqs = [_req(TEXT, index=0, seed=3)]
    list(gate(reqs, _fake_speak(a, set()), GateOptions()))
    list(gate(reqs, _fake_speak(b, set()), GateOptions()))
    assert a == b


def test_retries_zero_only_reports_and_never_drops():
    calls = []
    reqs = [_req(TEXT, index=i, seed=i) for i in range(5)]
    out = list(
        in_order(gate(reqs, _fake_speak(calls, set()), GateOptions(retries=0), batch_size=2))
    )
    assert [c.index for c in out] == list(range(5))
    assert [len(c) for c in calls] == [2, 2, 1]
    assert all(c.action == "reported" and c.reasons == ("no_speech",) for c in out)
    assert out[0].record() == {"index": 0, "reasons": ["no_speech"], "action": "reported"}


def test_kept_best_when_nothing_passes():
    calls = []
    out = list(gate([_req(TEXT)], _fake_speak(calls, set(), short_ok=False), GateOptions()))
    assert len(out) == 1 and out[0].action == "kept_best" and out[0].attempts == 4
    assert out[0].reasons == ("no_speech",) and out[0].audio.size > 0
