"""The jobs package on its own: content keys, the chunk store, the work directory, several
books' output names, stop signals. No model is loaded."""

from __future__ import annotations

import json
import os
import shutil
import signal
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest

from tts_cli.errors import OptionError, OutputError
from tts_cli.jobs import (
    ChunkKeys,
    ChunkStore,
    Interrupted,
    StoredChunk,
    WorkDir,
    chunk_seed,
    default_work_dir,
    interruptible,
)
from tts_cli.jobs.books import plan_books
from tts_cli.jobs.workdir import temp_files_of


@dataclass(frozen=True)
class Chunk:
    text: str
    language: str = "en"
    max_new_tokens: int = 100


@dataclass(frozen=True)
class Folder:
    """A model folder without a built-in voice."""

    root: Path

    def has(self, role: str) -> bool:
        return False


@pytest.fixture()
def keyed(tmp_path, monkeypatch):
    """A ``ChunkKeys.build`` over a fake model folder and voice file."""
    from tts_cli.engine.base import GenerationOptions
    from tts_cli.jobs import keys

    model = tmp_path / "model"
    model.mkdir()
    (model / "t3.safetensors").write_bytes(b"weights-1")
    voice = tmp_path / "voice.wav"
    voice.write_bytes(b"voice-1")
    monkeypatch.setattr(
        keys, "folder_fingerprint", lambda f: keys.file_fingerprint(f.root / "t3.safetensors")
    )

    def build(**over):
        args = dict(
            folder=Folder(model),
            voice=voice,
            generation=GenerationOptions(temperature=0.8),
            engine="fast",
            dtype="torch.bfloat16",
            device="cuda:1",
            seed=None,
        )
        return ChunkKeys.build(**{**args, **over})

    return build, model, voice


def test_a_key_changes_with_everything_that_decides_the_audio(keyed):
    from tts_cli.engine.base import GenerationOptions
    from tts_cli.quality import GateOptions

    build, model, voice = keyed
    base = build()
    chunk = Chunk("It was a dark night.")
    key = base.key(chunk)
    assert len(key) == 64 and key == build().key(Chunk("It was a dark night."))
    assert base.dtype == "bfloat16" and base.device == "cuda" and base.seed == 0
    others = {
        base.key(replace(chunk, text="It was a dark night!")),
        base.key(replace(chunk, language="fr")),
        base.key(replace(chunk, max_new_tokens=101)),
        build(seed=1).key(chunk),
        build(engine="stock").key(chunk),
        build(dtype="float32").key(chunk),
        build(device="cpu").key(chunk),
        build(generation=GenerationOptions(temperature=0.7)).key(chunk),
        build(gate=GateOptions(retries=1)).key(chunk),
        build(voice=None).key(chunk),
    }
    assert key not in others and len(others) == 10
    # the same seed given explicitly or as the default 0; another GPU index of one kind
    assert build(seed=0).key(chunk) == key and build(device="cuda:0").key(chunk) == key
    voice.write_bytes(b"voice-2")  # the voice by content, not by name
    assert build().key(chunk) != key
    voice.write_bytes(b"voice-1")
    (model / "t3.safetensors").write_bytes(b"weights-2")
    assert build().key(chunk) != key


def test_chunk_seeds_come_from_the_key_and_the_attempt():
    a, b = chunk_seed("a" * 64), chunk_seed("b" * 64)
    assert a != b and a == chunk_seed("a" * 64)
    assert chunk_seed("a" * 64, 1) != a
    assert all(0 <= s < 2**63 for s in (a, b))


def _chunk(n: int = 480, tokens: int = 12) -> StoredChunk:
    audio = np.sin(np.arange(n, dtype=np.float32) / 7).astype(np.float32)
    return StoredChunk(audio=audio, sample_rate_hz=24000, tokens=tokens, stopped=True,
                       reasons=("too_long",), action="kept_best", first_reasons=())  # fmt: skip


def test_the_store_round_trips_and_refuses_damage(tmp_path):
    store = ChunkStore(tmp_path / "chunks")
    (tmp_path / "chunks").mkdir()
    key = "ab" * 32
    assert key not in store and store.get(key) is None
    store.put(key, _chunk())
    got = store.get(key)
    np.testing.assert_array_equal(got.audio, _chunk().audio)
    assert (got.tokens, got.stopped, got.reasons, got.action) == (
        12,
        True,
        ("too_long",),
        "kept_best",
    )
    path = store.path(key)
    assert path.parent.name == "ab" and not list(path.parent.glob(".*.tmp"))
    good = path.read_bytes()
    for damaged in (good[:-4], b"JUNK" + good[4:], good[:-1] + bytes([good[-1] ^ 1]), b""):
        path.write_bytes(damaged)
        assert store.get(key) is None
    assert store.corrupt == 4
    path.write_bytes(good)
    assert store.get(key) is not None
    (path.parent / f".{path.name}.dead.tmp").write_bytes(b"half")  # a write cut by kill -9
    assert store.remove_temps() == 1 and not list(path.parent.glob(".*.tmp"))


def test_the_store_does_not_recreate_a_vanished_work_directory(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    store = ChunkStore(work / "chunks")
    work.rmdir()
    with pytest.raises(OutputError, match="disappeared during the run"):
        store.put("cd" * 32, _chunk())
    assert not work.exists()


def test_work_dir_manifest_lock_and_refusals(tmp_path):
    path = tmp_path / ".book.m4b.ttsgen"
    with WorkDir(path, book="book.txt", output="/x/book.m4b") as work:
        assert (path / "lock").read_text().strip() == str(os.getpid())
        work.start(["k1", "k2"], total_stored=1)
        manifest = json.loads((path / "job.json").read_text())
        assert manifest["status"] == "running" and manifest["keys"] == ["k1", "k2"]
        assert manifest["chunks_stored"] == 1 and manifest["format"] == 1
        with pytest.raises(OutputError, match=rf"another ttsgen run \(pid {os.getpid()}\)"):
            with WorkDir(path, book="book.txt", output="/x/book.m4b"):
                pass
        work.finish("done", 2)
    assert json.loads((path / "job.json").read_text())["status"] == "done"
    assert not list(path.glob(".job.json.*"))  # atomic: no temp file left
    with pytest.raises(OptionError, match="belongs to another job"):
        with WorkDir(path, book="other.txt", output="/x/other.m4b"):
            pass
    with WorkDir(path, book="other.txt", output="/x/other.m4b", fresh=True) as work:
        work.remove()
    assert not path.exists()


def test_a_failed_run_leaves_no_empty_work_directory_it_made(tmp_path):
    path = tmp_path / ".book.m4b.ttsgen"
    with pytest.raises(RuntimeError):
        with WorkDir(path, book="book.txt", output="/x/book.m4b") as work:
            work.start(["k1"], total_stored=0)
            raise RuntimeError("the model would not load")
    assert not path.exists()
    # a stop keeps it (its resume line names it), and so does a failure once a chunk is stored
    with pytest.raises(Interrupted):
        with WorkDir(path, book="book.txt", output="/x/book.m4b"):
            raise Interrupted(signal.SIGTERM)
    assert (path / "lock").is_file()
    shutil.rmtree(path)
    with pytest.raises(RuntimeError):
        with WorkDir(path, book="book.txt", output="/x/book.m4b") as work:
            work.store.put("ab" * 32, _chunk())
            raise RuntimeError("disk full later")
    assert ("ab" * 32) in ChunkStore(path / "chunks")
    # a folder that was there before the run is never removed, even empty
    other = tmp_path / "mine"
    other.mkdir()
    with pytest.raises(RuntimeError):
        with WorkDir(other, book="book.txt", output="/x/book.m4b"):
            raise RuntimeError("boom")
    assert other.is_dir()


def test_default_work_dirs_and_stale_temp_files(tmp_path, monkeypatch):
    assert default_work_dir(str(tmp_path / "b.m4b"), "b.txt") == tmp_path / ".b.m4b.ttsgen"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    stdout = default_work_dir("-", "-")
    assert stdout.parent == tmp_path / "cache" / "ttsgen" / "jobs"
    assert stdout.name.startswith("stdout-") and stdout == default_work_dir("-", "-")
    out = tmp_path / "b.m4b"
    for name in (".b.m4b.x1.ttsgen.f32", ".b.m4b.x2.part", ".c.m4b.x3.part", "b.m4b"):
        (tmp_path / name).write_bytes(b"")
    assert sorted(p.name for p in temp_files_of(out)) == [".b.m4b.x1.ttsgen.f32", ".b.m4b.x2.part"]


def test_several_books_get_their_names(tmp_path):
    books = plan_books(["x/a.txt", "y/b.epub"], f"{tmp_path}/shelf/")
    assert [Path(b.output).name for b in books] == ["a.m4b", "b.m4b"]
    assert [b.index for b in books] == [0, 1]
    books = plan_books(["a.txt", "b.md"], str(tmp_path), template="{index}-{stem}.mp3")
    assert [Path(b.output).name for b in books] == ["1-a.mp3", "2-b.mp3"]
    one = plan_books(["a.txt"], f"{tmp_path}/out/", fmt="flac")
    assert Path(one[0].output) == tmp_path / "out" / "a.flac"
    assert plan_books(["a.txt"], "book.wav")[0].output == "book.wav"
    bad = [
        (["a.txt", "b.txt"], "-", {}, "several books cannot all be written to stdout"),
        (["a.txt", "b.txt"], None, {}, "no output folder given"),
        (["a/x.txt", "b/x.txt"], str(tmp_path), {}, "would both be written to"),
        (["-", "-"], str(tmp_path), {}, "stdin (-) can be read only once"),
        (["a.txt"], "book.wav", {"fmt": "mp3"}, "--format only applies when -o is a folder"),
        (["a.txt", "b"], str(tmp_path), {"template": "{title}.m4b"}, "unknown field(s) title"),
        (["a.txt", "b"], str(tmp_path), {"template": "x/{stem}.m4b"}, "names a file, not a path"),
        (["a.txt", "b"], str(tmp_path), {"fmt": "mp3", "template": "{stem}"}, "both set"),
    ]
    for inputs, output, kw, message in bad:
        with pytest.raises(OptionError) as err:
            plan_books(inputs, output, **kw)
        assert message in str(err.value), (inputs, kw, str(err.value))
    afile = tmp_path / "taken.m4b"
    afile.write_bytes(b"")
    with pytest.raises(OptionError, match="is a file, but several books need a folder"):
        plan_books(["a.txt", "b.txt"], str(afile))


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_stop_signals_raise_interrupted_and_handlers_come_back(sig, code):
    before = signal.getsignal(sig)
    with pytest.raises(Interrupted) as stop:
        with interruptible():
            os.kill(os.getpid(), sig)
            signal.pause()  # the handler raises before this returns
    assert stop.value.exit_code == code and stop.value.name == signal.Signals(sig).name
    assert signal.getsignal(sig) == before


def test_deferred_signals_wait_for_check_and_later_ones_are_ignored_while_stopping():
    import time

    from tts_cli.jobs import signals

    before = signal.getsignal(signal.SIGTERM)
    with interruptible():
        try:
            with signals.deferred() as state:
                os.kill(os.getpid(), signal.SIGTERM)
                os.kill(os.getpid(), signal.SIGINT)  # the first one recorded is kept
                time.sleep(0.05)
                assert state.signum == signal.SIGTERM  # nothing raised yet
                state.check()
            raise AssertionError("check() did not raise")
        except Interrupted as stop:
            caught = stop
        os.kill(os.getpid(), signal.SIGTERM)  # while stopping: ignored, cleanup goes on
        time.sleep(0.05)
    assert caught.exit_code == 143 and caught.name == "SIGTERM"
    assert signal.getsignal(signal.SIGTERM) == before


def test_handlers_are_kept_through_a_library_that_installs_its_own():
    from tts_cli.jobs import signals

    def ours(*_):
        pass

    old = signal.signal(signal.SIGTERM, ours)
    try:
        with signals.kept():
            signal.signal(signal.SIGTERM, lambda *_: None)  # what ray.init does
        assert signal.getsignal(signal.SIGTERM) is ours
    finally:
        signal.signal(signal.SIGTERM, old)
