"""Long runs: a job's work directory, its content-addressed chunk store, and signals.

* ``keys``: the content key of a chunk (everything that determines its audio) and the seed
  derived from it;
* ``store``: finished chunks under their keys, written atomically, checksummed;
* ``storage``: where the work directory lives: a local folder, or an object-store prefix
  (``s3://bucket/prefix``, any fsspec URL); everything is read and written through it;
* ``locks``: one run at a time: ``flock`` on a folder, a renewed lock object on a store;
* ``workdir``: the job's folder beside the output (manifest, lock, stale temp files);
* ``signals``: SIGINT/SIGTERM/SIGHUP turned into a clean stop that keeps stored work.
"""

from tts_cli.jobs.keys import ChunkKeys, chunk_seed
from tts_cli.jobs.signals import Interrupted, interruptible
from tts_cli.jobs.store import ChunkStore, StoredChunk
from tts_cli.jobs.workdir import WorkDir, default_work_dir

__all__ = [
    "ChunkKeys",
    "ChunkStore",
    "Interrupted",
    "StoredChunk",
    "WorkDir",
    "chunk_seed",
    "default_work_dir",
    "interruptible",
]
