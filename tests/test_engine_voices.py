"""Voice conditionals are cached on disk by content, model and exaggeration."""

from __future__ import annotations

import shutil

import torch
from engine_support import reference_wav, tiny_model

from tts_cli.engine.voices import VoiceCache, default_cache_dir, voice_key


def test_second_lookup_is_a_hit_with_the_same_conditionals(tmp_path):
    model = tiny_model()
    voice = reference_wav(2.0, seed=4)
    first, hit1 = VoiceCache(tmp_path).conditionals(model, voice, 0.5)
    cache = VoiceCache(tmp_path)  # a new run: nothing in memory
    second, hit2 = cache.conditionals(model, voice, 0.5)
    assert (hit1, hit2) == (False, True) and cache.hits == 1 and cache.misses == 0
    assert len(list(tmp_path.glob("*.pt"))) == 1
    assert torch.equal(first.t3.speaker_emb, second.t3.speaker_emb)
    assert torch.equal(first.t3.cond_prompt_speech_tokens, second.t3.cond_prompt_speech_tokens)
    assert torch.equal(first.gen["prompt_feat"], second.gen["prompt_feat"])
    assert float(second.t3.emotion_adv.view(-1)[0]) == 0.5


def test_key_follows_content_model_and_exaggeration(tmp_path):
    voice = reference_wav(2.0, seed=4)
    copy = tmp_path / "renamed.wav"
    shutil.copy(voice, copy)
    base = voice_key(voice, "model-a", 0.5)
    assert voice_key(copy, "model-a", 0.5) == base  # same bytes, other name: same voice
    assert voice_key(voice, "model-b", 0.5) != base
    assert voice_key(voice, "model-a", 0.7) != base
    other = reference_wav(2.0, seed=5)
    assert voice_key(other, "model-a", 0.5) != base
    # a model without an emotion input (Turbo) has its own, stable key
    assert voice_key(voice, "model-a", None) == voice_key(copy, "model-a", None) != base


def test_damaged_cache_entry_is_recomputed(tmp_path):
    model = tiny_model()
    voice = reference_wav(2.0, seed=4)
    cache = VoiceCache(tmp_path)
    cache.path_for(voice_key(voice, model.identity, 0.5)).write_bytes(b"not a torch file")
    conds, hit = cache.conditionals(model, voice, 0.5)
    assert not hit and conds.t3.speaker_emb.shape == (1, 256)
    assert VoiceCache(tmp_path).conditionals(model, voice, 0.5)[1]  # rewritten, now a hit


def test_builtin_voice_is_not_cached(tmp_path):
    conds, hit = VoiceCache(tmp_path).conditionals(tiny_model(), None, 0.5)
    assert not hit and not list(tmp_path.iterdir())


def test_cache_dir_defaults_follow_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("TTSGEN_VOICE_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "ttsgen" / "voices"
    monkeypatch.setenv("TTSGEN_VOICE_CACHE", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"
