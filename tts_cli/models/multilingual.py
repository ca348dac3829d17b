"""Chatterbox Multilingual: ``chatterbox.mtl_tts.ChatterboxMultilingualTTS``, 23 languages.

Its files live in the same hub repository as the English model. The tokenizer lowercases,
decomposes (NFKD) and prefixes a ``[lang]`` token; some languages are prepared further
first (upstream ``MTLTokenizer.encode``): Chinese to Cangjie codes after word segmentation
(``spacy_pkuseg``), Japanese kanji to kana (``pykakasi``), Korean syllables to jamo,
Hebrew with diacritics (``dicta_onnx``), Russian with stress marks
(``russian_text_stresser``). Upstream silently skips a step whose package is missing; here
a missing package stops the run before any model loads (``TEXT_NEEDS``).
"""

from tts_cli.models.family import ModelFamily, SamplingDefaults, TextNeed, VoiceSpec

#: Languages of ``chatterbox.mtl_tts.SUPPORTED_LANGUAGES``.
LANGUAGES = (
    "ar", "da", "de", "el", "en", "es", "fi", "fr", "he", "hi", "it", "ja", "ko", "ms",
    "nl", "no", "pl", "pt", "ru", "sv", "sw", "tr", "zh",
)  # fmt: skip

TEXT_NEEDS = {
    "zh": TextNeed("spacy_pkuseg", "pip install spacy-pkuseg", "Chinese word segmentation"),
    "ja": TextNeed("pykakasi", "pip install pykakasi", "Japanese kanji-to-kana conversion"),
    "he": TextNeed("dicta_onnx", "pip install dicta-onnx", "Hebrew diacritics"),
    # not on PyPI: upstream names the package of github.com/Vuizur/add-stress-to-epub
    "ru": TextNeed(
        "russian_text_stresser",
        "pip install git+https://github.com/Vuizur/add-stress-to-epub",
        "Russian stress marks",
    ),
}

MULTILINGUAL = ModelFamily(
    name="multilingual",
    title="Chatterbox Multilingual",
    hub_repo="ResembleAI/chatterbox",
    files={
        "t3": "t3_mtl23ls_v2.safetensors",
        "s3gen": "s3gen.pt",
        "ve": "ve.pt",
        "tokenizer": "grapheme_mtl_merged_expanded_v1.json",
        "conds": "conds.pt",
    },
    extra_files=("Cangjie5_TC.json",),
    languages=LANGUAGES,
    # ChatterboxMultilingualTTS.generate() defaults: note the repetition penalty of 2.0
    sampling=SamplingDefaults(
        temperature=0.8,
        repetition_penalty=2.0,
        top_p=1.0,
        min_p=0.05,
        cfg_weight=0.5,
        exaggeration=0.5,
        cfm_steps=10,
    ),
    voice=VoiceSpec(t3_seconds=6.0, s3gen_seconds=10.0),
    alignment_guard=True,
    text_needs=TEXT_NEEDS,
)
