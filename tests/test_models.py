"""Model families, folder recognition, routing and their errors (no weights are loaded)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tts_cli.engine.base import GenerationOptions
from tts_cli.errors import ModelError, OptionError
from tts_cli.models import ENGLISH, FAMILIES, MULTILINGUAL, TURBO, check_model_choice, family
from tts_cli.models.folders import extra_languages, resolve_folders, scan
from tts_cli.models.routing import chunks_per_model, models_needed, route, route_plan
from tts_cli.testing.tokenizers import grapheme_tokenizer_json
from tts_cli.text.document import Document, Section
from tts_cli.text.plan import PlanOptions, plan_document


def _touch(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"x")
    return folder


def plan_text(text: str, options: PlanOptions):
    paragraphs = tuple(p for p in text.split("\n\n") if p.strip())
    doc = Document(title="t", author=None, sections=(Section("t", paragraphs),), source="t")
    return plan_document(doc, options)


def _complete(folder: Path, fam) -> Path:
    return _touch(folder, *fam.required_files())


# ------------------------------------------------------------------ families as data
def test_each_family_keeps_its_upstream_sampling_defaults():
    gen = GenerationOptions()
    english, mtl, turbo = (gen.resolve(f) for f in (ENGLISH, MULTILINGUAL, TURBO))
    assert (english.repetition_penalty, english.cfg_weight, english.min_p) == (1.2, 0.5, 0.05)
    assert mtl.repetition_penalty == 2.0 and mtl.cfg_weight == 0.5
    # Turbo: no CFG, emotion or min-p input; top-k 1000, top-p 0.95, 2 meanflow steps
    assert (turbo.cfg_weight, turbo.exaggeration, turbo.min_p) == (None, None, None)
    assert (turbo.top_k, turbo.top_p, turbo.cfm_steps, turbo.penalty_last) == (
        1000,
        0.95,
        2,
        True,
    )
    # a user's value wins where the model has the input, and is dropped where it has none
    given = GenerationOptions(cfg_weight=0.3, temperature=0.6).resolve(TURBO)
    assert given.cfg_weight is None and given.temperature == 0.6


def test_options_a_model_cannot_use_are_named():
    given = GenerationOptions(cfg_weight=0.3, min_p=0.1, temperature=0.7).given()
    assert TURBO.options_without_effect(given) == ["cfg_weight", "min_p"]
    assert MULTILINGUAL.options_without_effect(given) == []


def test_model_choice_errors_name_the_choices():
    assert check_model_choice("turbo") == "turbo"
    with pytest.raises(OptionError, match="unknown --model 'klingon'.*auto, english"):
        check_model_choice("klingon")
    with pytest.raises(OptionError):
        family("auto")
    assert len(MULTILINGUAL.languages) == 23 and {"fr", "de", "zh", "he"} <= set(
        MULTILINGUAL.languages
    )


# ------------------------------------------------------------------ routing
def test_auto_routes_english_to_english_and_the_rest_to_multilingual():
    assert route("en", "auto") == "english"
    assert route("fr", "auto") == "multilingual"
    assert route("en", "multilingual") == "multilingual"
    assert route("de", "turbo") == "turbo"


_MIXED = (
    "The captain walked along the harbour at dawn, and the gulls followed him.\n\n"
    "Le capitaine marchait le long du port à l'aube, et les mouettes le suivaient.\n\n"
    "He turned back towards the town when the bells began to ring for the market.\n"
)


def test_a_mixed_book_routes_each_paragraph_and_keeps_plan_order():
    plan = route_plan(plan_text(_MIXED, PlanOptions(lang="auto")), "auto")
    assert [(c.language, c.model) for c in plan.chunks] == [
        ("en", "english"),
        ("fr", "multilingual"),
        ("en", "english"),
    ]
    assert models_needed(plan) == ["english", "multilingual"]
    assert chunks_per_model(plan) == {"english": 2, "multilingual": 1}
    assert [c["model"] for c in plan.to_dict()["chunks"]] == ["english", "multilingual", "english"]


def test_a_french_only_book_needs_only_the_multilingual_model():
    text = "Le capitaine marchait le long du port à l'aube, et les mouettes le suivaient."
    plan = route_plan(plan_text(text, PlanOptions(lang="fr")), "auto")
    assert models_needed(plan) == ["multilingual"]


def test_english_model_on_french_text_warns_about_the_accent(caplog):
    text = "Le capitaine marchait le long du port à l'aube, et les mouettes le suivaient."
    with caplog.at_level("WARNING"):
        route_plan(plan_text(text, PlanOptions(lang="fr")), "english")
    assert "English accent" in caplog.text and "fr" in caplog.text


# ------------------------------------------------------------------ folders
def test_the_hub_layout_holds_english_and_multilingual(tmp_path):
    folder = _complete(_complete(tmp_path / "hub", ENGLISH), MULTILINGUAL)
    found = scan(folder)
    assert sorted(found) == ["english", "multilingual"]
    assert all(not f.missing for f in found.values())
    got = resolve_folders(["multilingual"], [folder])
    assert list(got) == ["multilingual"] and got["multilingual"].path == folder


def test_each_model_may_come_from_its_own_folder(tmp_path):
    english = _complete(tmp_path / "en", ENGLISH)
    turbo = _complete(tmp_path / "turbo", TURBO)
    got = resolve_folders(["turbo", "english"], [english, turbo])
    assert got["turbo"].path == turbo and got["english"].path == english


def test_a_folder_of_the_wrong_kind_names_the_missing_files(tmp_path):
    english = _complete(tmp_path / "en", ENGLISH)
    with pytest.raises(ModelError) as err:
        resolve_folders(["multilingual"], [english])
    message = str(err.value)
    assert "is not a Chatterbox Multilingual model" in message or "Multilingual" in message
    assert MULTILINGUAL.files["t3"] in message and "\n" not in message


def test_an_incomplete_folder_names_what_it_lacks(tmp_path):
    folder = _complete(tmp_path / "mtl", MULTILINGUAL)
    (folder / MULTILINGUAL.files["tokenizer"]).unlink()
    with pytest.raises(ModelError, match=f"is missing {MULTILINGUAL.files['tokenizer']}"):
        resolve_folders(["multilingual"], [folder])


def test_a_folder_without_any_model_and_a_missing_folder_are_errors(tmp_path):
    empty = _touch(tmp_path / "empty", "README.md")
    with pytest.raises(ModelError, match="holds no Chatterbox model"):
        resolve_folders(["english"], [empty])
    with pytest.raises(ModelError, match="model folder not found"):
        resolve_folders(["english"], [tmp_path / "nowhere"])


def test_a_fine_tune_with_its_own_file_names_adds_its_languages(tmp_path):
    folder = _touch(tmp_path / "vi", "t3_ml24ls_v2.safetensors", "ve.pt", "s3gen.pt", "conds.pt")
    languages = MULTILINGUAL.languages + ("vi",)
    (folder / "tokenizer_vi_expanded.json").write_text(
        grapheme_tokenizer_json(languages, 2455), encoding="utf-8"
    )
    found = scan(folder)["multilingual"]
    assert found.folder.family.files["t3"] == "t3_ml24ls_v2.safetensors"
    assert found.folder.family.files["tokenizer"] == "tokenizer_vi_expanded.json"
    assert found.folder.extra_languages == {"vi": "vi"}
    assert "vi" in found.folder.family.languages
    assert extra_languages([folder]) == {"vi": "vi"}


def test_ttsgen_json_names_files_and_languages(tmp_path):
    folder = _touch(tmp_path / "ft", "my_t3.safetensors", "my_tok.json", "ve.pt", "s3gen.pt")
    (folder / "ttsgen.json").write_text(
        json.dumps(
            {
                "format": 2,
                "multilingual": {
                    "files": {"t3": "my_t3.safetensors", "tokenizer": "my_tok.json"},
                    "languages": {"vi": "Vietnamese"},
                },
            }
        ),
        encoding="utf-8",
    )
    found = scan(folder)["multilingual"]
    assert found.folder.extra_languages == {"vi": "Vietnamese"}
    assert found.folder.file("t3") == folder / "my_t3.safetensors"


def test_a_broken_ttsgen_json_is_a_one_line_error(tmp_path):
    folder = _complete(tmp_path / "m", ENGLISH)
    (folder / "ttsgen.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="ttsgen.json"):
        scan(folder)


def test_every_family_has_files_for_each_role():
    for fam in FAMILIES.values():
        assert {"t3", "s3gen", "ve", "tokenizer"} <= set(fam.files)
    assert TURBO.hub_repo == "ResembleAI/chatterbox-turbo"
    assert MULTILINGUAL.hub_repo == ENGLISH.hub_repo == "ResembleAI/chatterbox"


# ------------------------------------------------------------------ hub downloads
@pytest.fixture
def fake_hub(monkeypatch, tmp_path):
    """huggingface_hub's downloads, recorded; files appear (empty) in a fake cache."""
    import huggingface_hub

    asked: list[tuple[str, str]] = []
    cache = tmp_path / "cache"

    def hf_hub_download(repo_id, filename, **_):
        asked.append((repo_id, filename))
        path = cache / repo_id.replace("/", "--") / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
        return str(path)

    def snapshot_download(repo_id, allow_patterns=None, **_):
        asked.append((repo_id, f"patterns:{','.join(allow_patterns)}"))
        folder = cache / repo_id.replace("/", "--")
        _complete(folder, TURBO)
        return str(folder)

    monkeypatch.setattr(huggingface_hub, "hf_hub_download", hf_hub_download)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshot_download)
    return asked


def test_the_download_fetches_only_the_needed_models_files(fake_hub):
    got = resolve_folders(["multilingual"])
    names = [name for _repo, name in fake_hub]
    assert set(names) == set(MULTILINGUAL.files.values()) | set(MULTILINGUAL.extra_files)
    assert ENGLISH.files["t3"] not in names
    assert got["multilingual"].source == "hub:ResembleAI/chatterbox"


def test_turbo_downloads_from_its_own_repository(fake_hub):
    got = resolve_folders(["turbo"])
    assert fake_hub == [("ResembleAI/chatterbox-turbo", "patterns:" + ",".join(TURBO.hub_patterns))]
    assert got["turbo"].family.name == "turbo"


def test_a_failed_download_is_a_one_line_error(monkeypatch):
    import huggingface_hub

    def offline(repo_id, filename, **_):
        raise OSError("We couldn't connect to 'https://huggingface.co'\nmore detail")

    monkeypatch.setattr(huggingface_hub, "hf_hub_download", offline)
    with pytest.raises(ModelError) as err:
        resolve_folders(["english"])
    message = str(err.value)
    assert "could not download t3_cfg.safetensors of ResembleAI/chatterbox" in message
    assert "--model-dir" in message and "\n" not in message


def test_a_format_1_ttsgen_json_still_describes_the_english_t3(tmp_path):
    from tts_cli.models.folders import read_config

    folder = _complete(tmp_path / "old", ENGLISH)
    t3 = {"llama_config_name": "tiny", "llama_config": {"num_hidden_layers": 2}}
    (folder / "ttsgen.json").write_text(json.dumps({"format": 1, "t3": t3}), encoding="utf-8")
    assert read_config(folder) == {"english": {"t3": t3}}
    assert scan(folder)["english"].folder.t3_config == t3
