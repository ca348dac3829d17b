"""``RunRequest``: everything one ``ttsgen`` invocation asked for, before any check."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ENGINES = ("fast", "stock")


@dataclass(frozen=True)
class RunRequest:
    """Everything the command line asked for, unvalidated."""

    input: str
    output: str | None
    lang: str = "auto"
    chunk_chars: int | None = None
    max_new_tokens: int | None = None
    dry_run: bool = False
    model: str = "auto"
    model_dirs: tuple[Path, ...] = ()
    device: str = "auto"
    engine: str = "fast"
    dtype: str = "auto"
    batch_size: str = "auto"
    compile: bool | None = None
    cfm_steps: int | None = None
    cleanup_every: int | None = None
    cpu_offload: bool = False
    voice_cache: bool = True
    voice_cache_dir: Path | None = None
    voice: Path | None = None
    seed: int | None = None
    exaggeration: float | None = None
    cfg_weight: float | None = None
    temperature: float | None = None
    repetition_penalty: float | None = None
    min_p: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    assembly: dict = field(default_factory=dict)
    """AssemblyOptions fields the user set; the rest keep their defaults."""
    normalize: bool = True
    lexicon: Path | None = None
    """``--lexicon FILE``: pronunciation lexicon for the speakable text."""
    max_book_mb: float | None = None
    """``--max-book-mb``: largest book accepted (None: the reader's default)."""
    json_out: bool = False
    quiet: bool = False
    extra_inputs: tuple[str, ...] = ()
    """Further books after ``input`` (batch mode: ``-o`` is then a folder)."""
    output_format: str | None = None
    """``--format``: the extension of each output when ``-o`` is a folder (default m4b)."""
    output_template: str | None = None
    """``--output-template``: each output's name in the ``-o`` folder (``{stem}.{ext}``)."""
    work_dir: Path | str | None = None
    """``--work-dir``: the job's chunk store and manifest, a folder or an fsspec URL
    (``s3://bucket/prefix``; default: beside the output)."""
    fresh: bool = False
    """``--fresh``: make every chunk again, replacing what the store holds."""
    clean: bool = False
    """``--clean``: remove the work directory after a successful run."""
    retries: int | None = None
    """``--retries N``: new takes of a suspect chunk before it is split (None: 2)."""
    ray: object | None = None
    """``--ray ADDRESS`` and its options (``tts_cli.cluster.options.RayOptions``); None: this
    machine."""

    @property
    def inputs(self) -> list[str]:
        """Every book, in the order given."""
        return [self.input, *self.extra_inputs]
