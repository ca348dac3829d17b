"""Chatterbox (English): ``chatterbox.tts.ChatterboxTTS``, hub ``ResembleAI/chatterbox``."""

from tts_cli.models.family import ModelFamily, SamplingDefaults, VoiceSpec

ENGLISH = ModelFamily(
    name="english",
    title="Chatterbox (English)",
    hub_repo="ResembleAI/chatterbox",
    files={
        "t3": "t3_cfg.safetensors",
        "s3gen": "s3gen.safetensors",
        "ve": "ve.safetensors",
        "tokenizer": "tokenizer.json",
        "conds": "conds.pt",
    },
    languages=("en",),
    # ChatterboxTTS.generate() defaults
    sampling=SamplingDefaults(
        temperature=0.8,
        repetition_penalty=1.2,
        top_p=1.0,
        min_p=0.05,
        cfg_weight=0.5,
        exaggeration=0.5,
        cfm_steps=10,
    ),
    # ChatterboxTTS.ENC_COND_LEN / DEC_COND_LEN
    voice=VoiceSpec(t3_seconds=6.0, s3gen_seconds=10.0),
)
