"""Each chunk read by the right model, end to end, on tiny random checkpoints of each family."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tts_cli.engine import adapter
from tts_cli.errors import ModelError
from tts_cli.runner import RunRequest, execute

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
SAMPLES_PER_TOKEN = 960
FRENCH = (
    "Le capitaine marchait le long du port.\n\n"
    "Les mouettes le suivaient en criant au-dessus des bateaux.\n"
)
MIXED = (
    "The captain walked along the harbour at dawn, and the gulls followed him.\n\n"
    "Le capitaine marchait le long du port à l'aube, et les mouettes le suivaient.\n\n"
    "He turned back towards the town when the bells began to ring for the market.\n"
)


@pytest.fixture
def loads(monkeypatch):
    """The families loaded, in order (the product's own loader, recorded)."""
    seen: list[str] = []
    real = adapter.load_folder

    def recording(folder, device, dtype):
        seen.append(folder.family.name)
        return real(folder, device, dtype)

    monkeypatch.setattr(adapter, "load_folder", recording)
    return seen


def _run(tmp_path, text: str, model_dir, **kw) -> tuple[dict, np.ndarray]:
    src = tmp_path / "book.txt"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "book.wav"
    dirs = model_dir if isinstance(model_dir, tuple) else (model_dir,)
    fields = dict(max_new_tokens=12, seed=0, voice_cache=False) | kw
    req = RunRequest(
        input=str(src),
        output=str(out),
        model_dirs=dirs,
        device="cpu",
        json_out=True,
        quiet=True,
        **fields,
    )
    summary = execute(req)
    audio, rate = sf.read(out, dtype="float32")
    assert rate == 24_000
    return summary, audio


def test_a_french_book_loads_only_the_multilingual_model(hub_model_dir, tmp_path, loads):
    lexicon = tmp_path / "names.tsv"
    lexicon.write_text("capitaine\tcapitaine Haddock\tfr\n", encoding="utf-8")
    summary, audio = _run(tmp_path, FRENCH, hub_model_dir, lexicon=lexicon)
    assert summary["lexicon"] == {"capitaine": 1}
    assert loads == ["multilingual"]
    assert summary["models"] == {"multilingual": 2}
    assert summary["chunks"] == 2
    # every valid speech token is 960 samples; pauses and edges add silence, never remove it
    assert summary["tokens"] > 0
    assert audio.size >= 0.5 * summary["tokens"] * SAMPLES_PER_TOKEN


def test_a_mixed_book_loads_each_model_once_and_keeps_plan_order(hub_model_dir, tmp_path, loads):
    plan = execute(
        RunRequest(input=str(_write(tmp_path, MIXED)), output=None, dry_run=True, json_out=True)
    )
    assert [c["model"] for c in plan["chunks"]] == ["english", "multilingual", "english"]
    assert plan["models"] == {"english": 2, "multilingual": 1}
    summary, _ = _run(tmp_path, MIXED, hub_model_dir)
    assert sorted(loads) == ["english", "multilingual"]
    assert summary["models"] == {"english": 2, "multilingual": 1}
    by_model = summary["engine_stats"]["by_model"]
    assert set(by_model) == {"english", "multilingual"}
    # two models on one device plan their batches in half its memory each
    assert by_model["english"]["memory_share"] == by_model["multilingual"]["memory_share"] == 0.5


def test_multilingual_reads_english_too_when_asked(hub_model_dir, tmp_path, loads):
    summary, _ = _run(tmp_path, MIXED, hub_model_dir, model="multilingual")
    assert loads == ["multilingual"]
    assert summary["models"] == {"multilingual": 3}


def test_the_stock_engine_reads_a_french_book_with_the_multilingual_model(
    hub_model_dir, tmp_path, loads
):
    summary, audio = _run(tmp_path, FRENCH, hub_model_dir, engine="stock")
    assert loads == ["multilingual"] and summary["models"] == {"multilingual": 2}
    assert audio.size > 0


def test_turbo_reads_an_english_book_in_a_cloned_voice(turbo_model_dir, tmp_path, loads, caplog):
    from tts_cli.testing.checkpoint import write_reference_wav

    voice = write_reference_wav(tmp_path / "voice.wav", seconds=6.0, seed=3)
    text = "The captain walked along the harbour at dawn.\n\nThe gulls followed him home.\n"
    opts = dict(model="turbo", cfg_weight=0.3, voice=voice, voice_cache=True)
    with caplog.at_level("WARNING"):
        summary, audio = _run(
            tmp_path, text, turbo_model_dir, voice_cache_dir=tmp_path / "vc", **opts
        )
    assert summary["engine_stats"]["voice_cache_hit"] is False
    again, _ = _run(tmp_path, text, turbo_model_dir, voice_cache_dir=tmp_path / "vc", **opts)
    assert again["engine_stats"]["voice_cache_hit"] is True
    assert loads == ["turbo", "turbo"]
    assert summary["models"] == {"turbo": 2}
    assert "--cfg-weight has no effect on the Chatterbox Turbo model" in caplog.text
    assert audio.size >= summary["tokens"] * SAMPLES_PER_TOKEN * 0.5


def test_a_fine_tune_adds_vietnamese_as_a_language(vi_model_dir, tmp_path, loads):
    text = "Tôi yêu tiếng Việt.\n\nHôm nay trời đẹp quá.\n"
    summary, _ = _run(tmp_path, text, vi_model_dir, lang="vi")
    assert loads == ["multilingual"]
    assert summary["language"] == "vi" and summary["models"] == {"multilingual": 2}


def test_vi_is_not_a_language_without_the_fine_tune(hub_model_dir, tmp_path):
    from tts_cli.errors import OptionError

    with pytest.raises(OptionError, match="vi"):
        _run(tmp_path, "Tôi yêu tiếng Việt.\n", hub_model_dir, lang="vi")


def test_a_wrong_folder_for_the_model_names_the_missing_files(turbo_model_dir, tmp_path):
    with pytest.raises(ModelError, match="t3_mtl23ls_v2.safetensors"):
        _run(tmp_path, FRENCH, turbo_model_dir)
    assert not (tmp_path / "book.wav").exists()


def _write(tmp_path: Path, text: str) -> Path:
    src = tmp_path / "plan.txt"
    src.write_text(text, encoding="utf-8")
    return src


@pytest.mark.parametrize(
    ("lang", "text", "module", "pip"),
    [
        ("he", "שלום עולם, מה שלומך היום?", "dicta_onnx", "pip install dicta-onnx"),
        (
            "ru",
            "Добрый вечер, как у вас дела сегодня?",
            "russian_text_stresser",
            "pip install git+https://github.com/Vuizur/add-stress-to-epub",
        ),
    ],
)
def test_a_language_without_its_package_stops_before_loading_with_the_pip_command(
    hub_model_dir, tmp_path, lang, text, module, pip
):
    import importlib.util

    if importlib.util.find_spec(module) is not None:
        pytest.skip(f"{module} is installed here")
    src = _write(tmp_path, text + "\n")
    out = tmp_path / f"{lang}.wav"
    env = dict(os.environ, TQDM_DISABLE="1", HF_HUB_OFFLINE="1", COLUMNS="200")
    proc = subprocess.run(
        [sys.executable, "-m", "tts_cli", str(src), "-o", str(out), "--lang", lang]
        + ["--model-dir", str(hub_model_dir), "--device", "cpu"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 4  # ModelError
    err = proc.stderr.strip()
    assert "Traceback" not in err
    assert module in err and pip in err
    assert len([line for line in err.splitlines() if "error" in line.lower()]) == 1
    assert not out.exists()


def test_dry_run_json_has_the_model_of_each_chunk(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "tts_cli", str(_write(tmp_path, MIXED)), "--dry-run", "--json"]
        + ["--model", "auto"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    plan = json.loads(proc.stdout)
    assert [c["model"] for c in plan["chunks"]] == ["english", "multilingual", "english"]
