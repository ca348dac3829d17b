"""``--work-dir URL``: the job's manifest, lock and chunk store in an object store (fsspec),
on one machine. ``memory://`` runs in-process; S3 runs against moto's server on 127.0.0.1
(the ``s3_server`` fixture: fake credentials and the endpoint in the environment, the way
s3fs reads them). Each run's file is compared sample for sample with a local work dir's.
The Ray run into S3 is in test_cluster_ray.py."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
import uuid

import numpy as np
import pytest
from test_jobs_runs import (
    FAST,
    SENTENCES,
    error_line,
    run_json,
    samples,
    ttsgen,
    write_book,
)

from tts_cli.errors import OptionError, OutputError
from tts_cli.jobs import ChunkStore, StoredChunk, WorkDir, locks
from tts_cli.jobs.storage import (
    LocalFolder,
    RemoteFolder,
    absolute_location,
    check_location,
    join,
    location_of,
    open_folder,
)

N = len(SENTENCES)


def memory_url() -> str:
    return f"memory://ttsgen-test-{uuid.uuid4().hex[:8]}/job"


def memory_fs():
    import fsspec

    return fsspec.filesystem("memory")


def mem(url: str) -> str:
    """The memory filesystem's own name of a ``memory://`` URL."""
    return "/" + url.removeprefix("memory://")


def _chunk(n: int = 480) -> StoredChunk:
    audio = np.linspace(-0.5, 0.5, n, dtype=np.float32)
    return StoredChunk(audio=audio, sample_rate_hz=24000, tokens=7, stopped=True)


# ---------------------------------------------------------------------------- units


def test_work_dir_values_are_paths_or_urls(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert location_of("~/jobs") == tmp_path / "jobs"
    assert location_of("file:///srv/jobs/") == location_of("/srv/jobs")
    assert location_of("S3://bucket/prefix/") == "s3://bucket/prefix"
    assert join("s3://bucket/prefix", "a.m4b.ttsgen") == "s3://bucket/prefix/a.m4b.ttsgen"
    assert join(tmp_path, "a.m4b.ttsgen") == tmp_path / "a.m4b.ttsgen"
    assert absolute_location("gs://b/p") == "gs://b/p" and absolute_location(None) is None
    assert isinstance(open_folder("file://" + str(tmp_path)), LocalFolder)
    assert isinstance(open_folder(memory_url()), RemoteFolder)


def test_a_chunk_store_in_memory_round_trips_and_refuses_damage():
    url = memory_url()
    store = ChunkStore(f"{url}/chunks")
    key = "ab" * 32
    assert key not in store and store.get(key) is None and not store.holds_any()
    store.put(key, _chunk())
    assert key in store and store.holds_any()
    assert store.path(key) == f"{url}/chunks/ab/{key}.chunk"
    got = store.get(key)
    np.testing.assert_array_equal(got.audio, _chunk().audio)
    assert (got.tokens, got.stopped, got.sample_rate_hz) == (7, True, 24000)
    fs, path = memory_fs(), mem(store.path(key))
    good = fs.cat_file(path)
    fs.pipe_file(path, good[:-1] + bytes([good[-1] ^ 1]))  # one flipped bit
    assert store.get(key) is None and store.corrupt == 1
    assert store.remove_temps() == 0  # whole-object puts leave no temp objects
    assert fs.find(mem(url)) == [path]
    open_folder(url).remove_tree()
    assert not fs.exists(mem(url))


def test_the_lock_object_refuses_a_live_run_and_takes_over_a_dead_ones(monkeypatch, caplog):
    monkeypatch.setattr(locks, "HEARTBEAT_S", 0.05)
    url = memory_url()
    fs, lock = memory_fs(), f"{mem(url)}/lock"
    with WorkDir(url, book="book.txt", output="/x/book.m4b") as work:
        assert work.path == url and work.store.root == f"{url}/chunks"
        first = json.loads(fs.cat_file(lock))
        assert first["pid"] == os.getpid() and first["host"]
        with pytest.raises(OutputError) as held:
            with WorkDir(url, book="book.txt", output="/x/book.m4b"):
                pass
        assert f"pid {os.getpid()}, lock renewed 0 s ago) is already working on" in str(held.value)
        assert "takes over once it is 120 s old" in str(held.value)
        time.sleep(0.3)  # the heartbeat renews it
        renewed = json.loads(fs.cat_file(lock))
        assert renewed["token"] == first["token"] and renewed["renewed"] > first["renewed"]
        work.start(["k1", "k2"], total_stored=0)
    assert not fs.exists(lock)  # released
    manifest = json.loads(fs.cat_file(f"{mem(url)}/job.json"))
    assert manifest["keys"] == ["k1", "k2"] and manifest["status"] == "running"
    # a run killed outright leaves its lock, no longer renewed: the next run takes it over
    dead = {"host": "gone", "pid": 1, "token": "x", "renewed": time.time() - 3600}
    fs.pipe_file(lock, json.dumps(dead).encode())
    with caplog.at_level(logging.WARNING, logger="tts_cli.jobs.locks"):
        with WorkDir(url, book="book.txt", output="/x/book.m4b"):
            assert json.loads(fs.cat_file(lock))["pid"] == os.getpid()
    assert "host gone, pid 1 stopped renewing it 3600 s ago" in caplog.text
    with pytest.raises(OptionError, match="belongs to another job"):
        with WorkDir(url, book="other.txt", output="/x/other.m4b"):
            pass
    assert not fs.exists(lock)  # a refusal leaves no lock behind


def test_unknown_protocols_and_missing_packages_are_option_errors(tmp_path, monkeypatch):
    with pytest.raises(OptionError, match=r"no filesystem is known for nosuch://"):
        check_location("nosuch://bucket/job")
    with pytest.raises(OptionError, match=r"s3://bucket/ names a whole bucket; give a prefix"):
        check_location("s3://bucket/")  # --clean would empty it
    check_location("memory://job")
    book = write_book(tmp_path / "book.txt")
    result = ttsgen(book, "-o", tmp_path / "b.wav", "--work-dir", "nosuch://x/y", *FAST, expect=2)
    assert "--work-dir nosuch://x/y: no filesystem is known for nosuch://" in error_line(result)
    # a protocol whose package is missing names the pip install to run
    registry = sys.modules["fsspec.registry"]._registry
    for protocol, package, hint in (
        ("s3", "s3fs", "pip install 'ttsgen[s3]'"),
        ("gs", "gcsfs", "pip install gcsfs"),
    ):
        monkeypatch.delitem(registry, protocol, raising=False)
        monkeypatch.setitem(sys.modules, package, None)  # import raises ImportError
        url = f"{protocol}://bucket/job"
        result = ttsgen(book, "-o", tmp_path / "b.wav", "--work-dir", url, *FAST, expect=2)
        line = error_line(result)
        assert f"--work-dir {url} needs the package for {protocol}:// (not installed)" in line
        assert line.endswith(hint)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.txt"]  # nothing written


# ---------------------------------------------------------------------------- runs


def test_a_memory_work_dir_gives_the_local_file_resumes_and_cleans(loads, tmp_path):
    book = write_book(tmp_path / "book.txt")
    local = run_json(book, "-o", tmp_path / "local.wav", "--work-dir", tmp_path / "work")
    url = memory_url()
    out = tmp_path / "book.wav"
    first = run_json(book, "-o", out, "--work-dir", url)
    assert first["work_dir"] == url and first["chunks_synthesized"] == N
    assert first["tokens"] == local["tokens"]
    np.testing.assert_array_equal(samples(out), samples(tmp_path / "local.wav"))
    fs, prefix = memory_fs(), mem(url)
    assert len(fs.glob(f"{prefix}/chunks/*/*.chunk")) == N
    assert json.loads(fs.cat_file(f"{prefix}/job.json"))["status"] == "done"
    assert not fs.exists(f"{prefix}/lock")
    again = run_json(book, "-o", out, "--work-dir", url)
    assert again["chunks_reused"] == N and again["chunks_synthesized"] == 0
    np.testing.assert_array_equal(samples(out), samples(tmp_path / "local.wav"))
    clean = run_json(book, "-o", out, "--work-dir", url, "--clean")
    assert clean["chunks_reused"] == N and clean["work_dir"] is None
    assert not fs.exists(prefix)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "book.txt",
        "book.wav",
        "local.wav",
        "work",
    ]


def test_an_s3_work_dir_gives_the_local_file(loads, s3_server, tmp_path):
    if s3_server is None:
        pytest.skip("moto[s3], flask and s3fs are not installed (pip install -e '.[dev]')")
    import s3fs

    a = write_book(tmp_path / "a.txt", SENTENCES[:2])
    b = write_book(tmp_path / "b.txt", SENTENCES[2:])
    local = json.loads(
        ttsgen(a, b, "-o", f"{tmp_path}/local/", "--format", "wav", *FAST, "--json").stdout
    )
    url = f"s3://{s3_server}/job-{uuid.uuid4().hex[:8]}"
    result = ttsgen(
        a, b, "-o", f"{tmp_path}/s3/", "--format", "wav", "--work-dir", url, *FAST, "--json"
    )
    summary = json.loads(result.stdout)
    assert summary["exit_code"] == 0 and summary["chunks_synthesized"] == N
    assert [s["work_dir"] for s in summary["books"]] == [
        f"{url}/a.wav.ttsgen",
        f"{url}/b.wav.ttsgen",
    ]
    assert [s["tokens"] for s in summary["books"]] == [s["tokens"] for s in local["books"]]
    for name in ("a.wav", "b.wav"):
        np.testing.assert_array_equal(
            samples(tmp_path / "s3" / name), samples(tmp_path / "local" / name)
        )
    fs = s3fs.S3FileSystem()
    prefix = url.removeprefix("s3://")
    assert len(fs.glob(f"{prefix}/*.ttsgen/chunks/*/*.chunk")) == N
    assert sorted(fs.ls(prefix, refresh=True)) == [
        f"{prefix}/a.wav.ttsgen",
        f"{prefix}/b.wav.ttsgen",
    ]
    assert not fs.glob(f"{prefix}/*/lock")  # each run's lock object is gone
    manifest = json.loads(fs.cat_file(f"{prefix}/a.wav.ttsgen/job.json"))
    assert manifest["status"] == "done" and manifest["chunks_stored"] == 2
    assert sorted(p.name for p in (tmp_path / "s3").iterdir()) == ["a.wav", "b.wav"]
    again = json.loads(
        ttsgen(
            a, b, "-o", f"{tmp_path}/s3/", "--format", "wav", "--work-dir", url, *FAST,
            "--json", "--clean",
        ).stdout
    )  # fmt: skip
    assert again["chunks_reused"] == N and again["chunks_synthesized"] == 0
    fs.invalidate_cache()
    assert not fs.exists(prefix) and not fs.find(prefix)  # --clean removed the prefix


def test_a_missing_bucket_is_one_line_before_any_model_loads(loads, s3_server, tmp_path):
    """A bucket that does not exist (or credentials that cannot write) fails when the work
    directory is opened, before the models load: a one-line error naming the bucket, exit 3
    (an output problem), nothing written."""
    if s3_server is None:
        pytest.skip("moto[s3], flask and s3fs are not installed (pip install -e '.[dev]')")
    book = write_book(tmp_path / "book.txt")
    url = "s3://no-such-bucket-ttsgen/job"
    result = ttsgen(book, "-o", tmp_path / "b.wav", "--work-dir", url, *FAST, expect=3)
    line = error_line(result)
    assert "no-such-bucket-ttsgen" in line and "check that s3://no-such-bucket-ttsgen" in line
    assert loads == []  # refused before any model loaded
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.txt"]
