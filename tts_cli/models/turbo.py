"""Chatterbox Turbo: ``chatterbox.tts_turbo.ChatterboxTurboTTS``, hub ``ResembleAI/chatterbox-turbo``.

English only. T3 is GPT-2 medium without CFG, exaggeration or min-p; its tokenizer is
GPT-2's (``vocab.json`` + ``merges.txt``); S3Gen is the distilled meanflow decoder at 2
steps; three silence tokens are appended to every chunk's speech tokens; the reference clip
is normalised to -27 LUFS and must be longer than 5 s.
"""

from tts_cli.models.family import ModelFamily, SamplingDefaults, VoiceSpec

TURBO = ModelFamily(
    name="turbo",
    title="Chatterbox Turbo",
    hub_repo="ResembleAI/chatterbox-turbo",
    files={
        "t3": "t3_turbo_v1.safetensors",
        "s3gen": "s3gen_meanflow.safetensors",
        "ve": "ve.safetensors",
        "tokenizer": "vocab.json",
        "merges": "merges.txt",
        "conds": "conds.pt",
    },
    # ChatterboxTurboTTS.from_pretrained's allow_patterns
    hub_patterns=("*.safetensors", "*.json", "*.txt", "*.pt", "*.model"),
    languages=("en",),
    # ChatterboxTurboTTS.generate() defaults
    sampling=SamplingDefaults(
        temperature=0.8,
        repetition_penalty=1.2,
        top_p=0.95,
        top_k=1000,
        min_p=None,
        cfg_weight=None,
        exaggeration=None,
        cfm_steps=2,
        penalty_last=True,
    ),
    voice=VoiceSpec(t3_seconds=15.0, s3gen_seconds=10.0, min_seconds=5.0, reference_lufs=-27.0),
    backbone="gpt2",
    meanflow=True,
    trailing_silence_tokens=3,
)
