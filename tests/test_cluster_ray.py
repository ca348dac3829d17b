"""``--ray``: a shelf of books on a local Ray cluster (2 CPUs, started once by this module)
gives the one-machine batch mode's files sample for sample, through an actor killed mid-run
and a driver killed with SIGKILL or stopped by SIGTERM; options that cannot work are one-line errors.

The workers are separate processes: they load the tiny checkpoints from their folder through
the product's loader (nothing is monkeypatched there), and import ``tts_cli`` from this
checkout (PYTHONPATH, set before Ray starts, is what they inherit)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from typer.testing import CliRunner

from tts_cli.cli import app

ray = pytest.importorskip("ray")

REPO = Path(__file__).resolve().parents[1]
BOOKS = {
    "harbour": [
        "The lamp was lit at dusk.",
        "A second one burned across the bay.",
        "Ships came in.",
    ],
    "bakery": ["Morning came over the hills.", "The baker opened his shop at six."],
    "matin": ["Le matin arriva sur les collines.", "Le boulanger ouvrit sa boutique."],
}
CHUNKS = sum(len(s) for s in BOOKS.values())
FAST = ["--device", "cpu", "--max-new-tokens", "8", "--cfm-steps", "2", "--seed", "3"]
FAST += ["--format", "wav", "-q"]


@pytest.fixture(scope="module")
def cluster(s3_server):
    """A local Ray with 2 CPUs and a small object store, for the whole module; started after
    the local S3 server, whose endpoint and credentials the workers inherit."""
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "RAY_DEDUP_LOGS")}
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(REPO)] + ([saved["PYTHONPATH"]] if saved["PYTHONPATH"] else [])
    )
    ray.init(
        num_cpus=2,
        num_gpus=0,
        object_store_memory=80 * 2**20,
        include_dashboard=False,
        log_to_driver=False,
        logging_level="ERROR",
    )
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="module")
def shelf(tmp_path_factory) -> list[Path]:
    root = tmp_path_factory.mktemp("shelf")
    paths = []
    for name, sentences in BOOKS.items():
        path = root / f"{name}.txt"
        path.write_text("\n\n".join(sentences) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def ttsgen(*args, expect: int = 0):
    result = CliRunner().invoke(app, [str(a) for a in args], terminal_width=200)
    assert result.exit_code == expect, (result.exit_code, result.output, result.exception)
    return result


def summary(result) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


def samples(folder: Path) -> dict[str, np.ndarray]:
    return {name: sf.read(folder / f"{name}.wav", dtype="float32")[0] for name in BOOKS}


def stored(folder: Path) -> set[str]:
    return {p.name for p in folder.glob(".*.ttsgen/chunks/*/*.chunk")}


@pytest.fixture(scope="module")
def one_machine(shelf, hub_model_dir, tmp_path_factory):
    """The one-machine batch mode's files and summary: what every Ray run must equal."""
    out = tmp_path_factory.mktemp("one")
    result = ttsgen(*shelf, "-o", f"{out}/", "--model-dir", hub_model_dir, *FAST, "--json")
    return samples(out), summary(result)


def assert_same_files(folder: Path, expected: dict[str, np.ndarray]) -> None:
    got = samples(folder)
    for name, audio in expected.items():
        assert got[name].shape == audio.shape, name
        assert np.array_equal(got[name], audio), f"{name}: samples differ from one machine"


def _kill_a_worker_once_stored(folder: Path, count: int, killed: list) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(stored(folder)) < count:
        time.sleep(0.05)
    names = [a["name"] for a in ray.util.list_named_actors(all_namespaces=True)]
    names = [n for n in names if n.startswith("ttsgen-worker-")]
    if names:
        ray.kill(ray.get_actor(names[0]), no_restart=False)  # Ray restarts it
        killed.append((names[0], len(stored(folder))))


def _settled(folder: Path, quiet_s: float = 3.0) -> set[str]:
    """The stored chunks once nothing more has landed for ``quiet_s``."""
    before, since = stored(folder), time.monotonic()
    while time.monotonic() - since < quiet_s:
        time.sleep(0.2)
        now = stored(folder)
        if now != before:
            before, since = now, time.monotonic()
    return before


@pytest.mark.slow
def test_driver_and_worker_killed_mid_run_give_the_one_machine_files(
    cluster, shelf, hub_model_dir, one_machine, tmp_path
):
    """Three books (one French) on the cluster: the driver (a separate process joining the
    module's cluster by address) is killed with SIGKILL once two chunks are stored, and
    again, stopped by SIGTERM after one more chunk, exits 143 with the resume line; the same
    command again reuses every stored chunk, and its worker, killed by Ray once another chunk
    is stored, is restarted and its batch retried. The files equal the one-machine batch
    mode's sample for sample; the summary counts every chunk once."""
    expected, local = one_machine
    args = [*map(str, shelf), "-o", f"{tmp_path}/", "--model-dir", str(hub_model_dir), *FAST]
    args += ["--json", "--batch-size", "1"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    driver = subprocess.Popen(
        [sys.executable, "-m", "tts_cli", *args, "--ray", cluster],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(stored(tmp_path)) < 2 and driver.poll() is None:
        time.sleep(0.05)
    assert driver.poll() is None, driver.communicate()[1].decode()[-2000:]
    driver.send_signal(signal.SIGKILL)
    driver.wait(timeout=30)
    crashed = _settled(tmp_path)  # the dead job's worker goes with it
    assert 2 <= len(crashed) < CHUNKS - 2

    # SIGTERM (a batch scheduler's stop): the resume line and exit 143 within seconds,
    # after at least one more chunk; everything stored is kept
    driver = subprocess.Popen(
        [sys.executable, "-m", "tts_cli", *args, "--ray", cluster],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    while time.monotonic() < deadline and len(stored(tmp_path)) <= len(crashed):
        time.sleep(0.05)
    assert driver.poll() is None, driver.communicate()[1].decode()[-2000:]
    driver.send_signal(signal.SIGTERM)
    sent = time.monotonic()
    _, err = driver.communicate(timeout=60)
    assert driver.returncode == 143, err.decode()[-2000:]
    assert time.monotonic() - sent < 20
    line = err.decode().strip().splitlines()[-1]
    assert line.startswith("ttsgen: stopped by SIGTERM: ") and "run the same command again" in line
    before = _settled(tmp_path)
    assert crashed < before and len(before) < CHUNKS

    killed: list = []
    killer = threading.Thread(
        target=_kill_a_worker_once_stored, args=(tmp_path, len(before) + 1, killed), daemon=True
    )
    killer.start()
    result = ttsgen(*args, "--ray", "local")
    killer.join(timeout=5)
    assert killed and killed[0][1] < CHUNKS, "the worker was not killed mid-run"
    assert_same_files(tmp_path, expected)

    got = summary(result)
    assert got["books_written"] == 3 and got["failed"] == [] and got["exit_code"] == 0
    assert got["chunks_reused"] == len(before)  # nothing stored was made again
    assert got["chunks_synthesized"] == CHUNKS - len(before)
    assert len(stored(tmp_path)) == CHUNKS
    assert [Path(b["output"]).name for b in got["books"]] == [f"{n}.wav" for n in BOOKS]
    # the French book went to Multilingual, as on one machine
    assert [b["models"] for b in got["books"]] == [b["models"] for b in local["books"]]
    assert got["books"][2]["models"] == {"multilingual": 2}
    for ours, theirs in zip(got["books"], local["books"], strict=True):
        assert ours["chunks"] == theirs["chunks"] and ours["tokens"] == theirs["tokens"]
        assert ours["audio_seconds"] == theirs["audio_seconds"]
    totals = got["cluster"]
    assert totals["workers"] == 1 and totals["device"] == "cpu"
    assert totals["worker_restarts"] >= 1
    assert totals["chunks_synthesized"] == CHUNKS - len(before)
    assert totals["audio_hours"] == pytest.approx(got["audio_seconds"] / 3600, abs=1e-4)


def test_a_book_into_an_s3_work_dir_gives_the_one_machine_file(
    cluster, s3_server, shelf, hub_model_dir, one_machine, tmp_path
):
    """The work directory in S3 (moto's server): the workers store the chunks there, the
    assembly task reads them back, and the file equals the one-machine batch mode's."""
    if s3_server is None:
        pytest.skip("moto[s3], flask and s3fs are not installed (pip install -e '.[dev]')")
    import s3fs

    expected, _ = one_machine
    url = f"s3://{s3_server}/ray-{os.getpid()}-{time.monotonic_ns()}"
    args = [shelf[0], "-o", f"{tmp_path}/", "--model-dir", hub_model_dir, *FAST, "--json"]
    got = summary(ttsgen(*args, "--work-dir", url, "--ray", "local"))
    assert got["books_written"] == 1 and got["exit_code"] == 0
    assert got["chunks_synthesized"] == 3 and got["cluster"]["chunks_synthesized"] == 3
    work = f"{url}/harbour.wav.ttsgen"
    assert got["books"][0]["work_dir"] == work
    audio = sf.read(tmp_path / "harbour.wav", dtype="float32")[0]
    assert audio.shape == expected["harbour"].shape
    assert np.array_equal(audio, expected["harbour"]), "samples differ from one machine"
    fs = s3fs.S3FileSystem()
    fs.invalidate_cache()
    prefix = work.removeprefix("s3://")
    assert len(fs.glob(f"{prefix}/chunks/*/*.chunk")) == 3
    assert json.loads(fs.cat_file(f"{prefix}/job.json"))["status"] == "done"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["harbour.wav"]  # nothing local


# ---------------------------------------------------------------------------- bad input


def test_a_memory_work_dir_is_refused_on_ray(shelf, tmp_path):
    result = ttsgen(
        *shelf, "-o", f"{tmp_path}/", "--ray", "local", "--work-dir", "memory://x/y", expect=2
    )
    assert "--work-dir memory://x/y lives in this process's memory" in result.output
    assert "Traceback" not in result.output and not list(tmp_path.iterdir())


def test_workers_without_ray_is_an_option_error(shelf, tmp_path):
    result = ttsgen(*shelf, "-o", f"{tmp_path}/", "--workers", "2", expect=2)
    assert "--workers only applies to a Ray run" in result.output
    assert "Traceback" not in result.output and not list(tmp_path.iterdir())


def test_ray_to_stdout_is_refused(shelf, tmp_path):
    result = ttsgen(shelf[0], "-o", "-", "--ray", "local", expect=2)
    assert "cannot be shared by workers" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "0"], "--workers 0 leaves no worker"),
        (["--workers", "many"], "--workers 'many' is not a number"),
        (["--gpus-per-worker", "-1"], "--gpus-per-worker -1 is out of range"),
    ],
)
def test_bad_ray_options_are_one_line_errors(shelf, tmp_path, args, message):
    result = ttsgen(*shelf, "-o", f"{tmp_path}/", "--ray", "local", *args, expect=2)
    assert message in result.output and "Traceback" not in result.output
    assert not list(tmp_path.iterdir())


def test_ray_not_installed_names_the_extra(shelf, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    result = ttsgen(*shelf, "-o", f"{tmp_path}/", "--ray", "local", expect=2)
    assert "pip install 'ttsgen[ray]'" in result.output


def test_gpus_on_a_cluster_without_gpus(cluster, shelf, hub_model_dir, tmp_path):
    result = ttsgen(
        *shelf,
        "-o",
        f"{tmp_path}/",
        "--model-dir",
        hub_model_dir,
        *FAST,
        "--ray",
        "local",
        "--gpus-per-worker",
        "1",
        expect=5,
    )
    assert "the Ray cluster has no GPUs" in result.output
    assert "--gpus-per-worker 0" in result.output
    assert not stored(tmp_path)


def test_more_workers_than_the_cluster_has_cpus(cluster, shelf, hub_model_dir, tmp_path):
    result = ttsgen(
        *shelf,
        "-o",
        f"{tmp_path}/",
        "--model-dir",
        hub_model_dir,
        *FAST,
        "--ray",
        "local",
        "--workers",
        "2",
        expect=2,
    )
    assert "2 workers need 2 CPUs and assembly one more; the Ray cluster has 2" in result.output
    assert not stored(tmp_path)
