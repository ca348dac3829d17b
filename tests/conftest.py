"""Shared fixtures: one tiny random-weight checkpoint per test session, eval data paths."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# voice conditionals cached by test runs stay out of the user's cache (subprocesses inherit it)
os.environ.setdefault("TTSGEN_VOICE_CACHE", tempfile.mkdtemp(prefix="ttsgen-voices-"))
# Random weights make noise, which the quality gate rightly finds suspect in every chunk:
# runs of the CLI in tests only report it (--retries 0), subprocesses included; the tests
# of the gate itself ask for retries explicitly.
os.environ.setdefault("TTSGEN_RETRIES", "0")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EVAL_DATA = SHARED / "eval-data"


@pytest.fixture(autouse=True)
def _report_only_gate(monkeypatch):
    """``RunRequest(retries=None)`` in tests means 0 retries (see TTSGEN_RETRIES above)."""
    monkeypatch.setattr("tts_cli.runner.checks.DEFAULT_RETRIES", 0)


@pytest.fixture(scope="session")
def eval_data() -> Path:
    """``../shared/eval-data`` beside the checkout; tests that need it skip without it."""
    if not EVAL_DATA.is_dir():
        pytest.skip("../shared/eval-data is not beside this checkout")
    return EVAL_DATA


@pytest.fixture(scope="session")
def tiny_model_dir() -> Path:
    """A tiny random-weight checkpoint (~1.1 GB: S3Gen is full size), written once per session.

    ``TTSGEN_TEST_MODEL_DIR`` reuses an existing one (for quick local runs). The folder lives
    outside pytest's basetemp, which keeps the last three runs, and is deleted at the end.
    """
    given = os.environ.get("TTSGEN_TEST_MODEL_DIR")
    if given:
        yield Path(given)
        return
    from tts_cli.testing.checkpoint import write_checkpoint

    folder = Path(tempfile.mkdtemp(prefix="ttsgen-tiny-"))
    try:
        write_checkpoint(folder / "model", size="tiny", seed=0)
        yield folder / "model"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def tiny_model(tiny_model_dir):
    """The tiny checkpoint loaded on CPU through the product's own loader."""
    from tts_cli.engine.adapter import ModelSpec, load_model

    return load_model(ModelSpec(model_dir=tiny_model_dir, device="cpu", dtype="float32"))


@pytest.fixture(scope="session")
def reference_voice(tmp_path_factory) -> Path:
    """A synthetic 3 s reference voice clip (24 kHz WAV)."""
    from tts_cli.testing.checkpoint import write_reference_wav

    return write_reference_wav(tmp_path_factory.mktemp("voice") / "voice.wav", seconds=3.0, seed=7)


def _written_once(prefix: str, *variants: str, add_languages: tuple[str, ...] = ()):
    """A folder with tiny random checkpoints of ``variants``, removed after the session."""
    from tts_cli.testing.checkpoint import write_checkpoint

    root = Path(tempfile.mkdtemp(prefix=prefix))
    folder = root / "model"
    for variant in variants:
        extra = add_languages if variant == "multilingual" else ()
        write_checkpoint(folder, size="tiny", seed=0, variant=variant, add_languages=extra)
    return root, folder


@pytest.fixture(scope="session")
def hub_model_dir() -> Path:
    """English and Multilingual tiny checkpoints in one folder, as ResembleAI/chatterbox."""
    root, folder = _written_once("ttsgen-hub-", "english", "multilingual")
    try:
        yield folder
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def turbo_model_dir() -> Path:
    """A tiny Turbo checkpoint in the ResembleAI/chatterbox-turbo layout."""
    root, folder = _written_once("ttsgen-turbo-", "turbo")
    try:
        yield folder
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def vi_model_dir() -> Path:
    """A tiny multilingual fine-tune that adds Vietnamese (its own file names)."""
    root, folder = _written_once("ttsgen-vi-", "multilingual", add_languages=("vi",))
    try:
        yield folder
    finally:
        shutil.rmtree(root, ignore_errors=True)


_ROOT, _OURS = logging.getLogger(), logging.getLogger("tts_cli")
_PRISTINE_LOGGING = (_ROOT.level, _OURS.level, tuple(_ROOT.handlers))


def _pristine_logging() -> None:
    _ROOT.setLevel(_PRISTINE_LOGGING[0])
    _OURS.setLevel(_PRISTINE_LOGGING[1])
    # pytest's own capture handlers come and go around each phase; anything else a
    # command installed (its RichHandler) goes
    _ROOT.handlers[:] = [
        h
        for h in _ROOT.handlers
        if h in _PRISTINE_LOGGING[2] or type(h).__module__.startswith("_pytest")
    ]


@pytest.fixture()
def loads(monkeypatch, tiny_model, tiny_model_dir):
    """The tiny checkpoint for every model, loaded once per session (in-process runs of the
    command); counts the loads."""
    from tts_cli.models import folders

    real_resolve = folders.resolve_folders
    monkeypatch.setattr(
        folders,
        "resolve_folders",
        lambda needed, dirs=None, **kw: real_resolve(needed, [tiny_model_dir]),
    )
    count = []

    def load(*args):
        count.append(args)
        return tiny_model

    monkeypatch.setattr("tts_cli.engine.adapter.load_folder", load)
    return count


S3_BUCKET = "ttsgen-test"


@pytest.fixture(scope="session")
def s3_server():
    """A local S3 (moto's server on 127.0.0.1) holding the bucket ``ttsgen-test``; its name,
    or None when moto[s3] (with flask) or s3fs is not installed.

    Fake credentials and the endpoint are put in the environment for the session, where
    s3fs (botocore) reads them: ttsgen passes nothing. Ray workers see only the environment
    their raylet had at ``ray.init``, so a Ray test's cluster fixture asks for this one first.
    """
    try:
        import s3fs
        from moto.server import ThreadedMotoServer
    except ImportError:
        yield None
        return
    import socket

    with socket.socket() as s:  # a free port
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{port}",
        # never the developer's own ~/.aws
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    saved = {k: os.environ.get(k) for k in [*env, "AWS_PROFILE", "AWS_SESSION_TOKEN"]}
    os.environ.update(env)
    for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(k, None)
    try:
        s3fs.S3FileSystem.clear_instance_cache()
        s3fs.S3FileSystem().mkdir(S3_BUCKET)
        yield S3_BUCKET
    finally:
        server.stop()
        s3fs.S3FileSystem.clear_instance_cache()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(autouse=True)
def restore_logging():
    """The command configures logging and captures warnings for the process: every test
    starts and ends with logging as the session began (a -q command run in-process, even
    by a module-scoped fixture, must not silence a later test's log checks)."""
    _pristine_logging()
    yield
    logging.captureWarnings(False)
    _pristine_logging()
