"""The work a Ray cluster does: ``ChunkWorker`` speaks batches of chunks into the books'
stores (one per GPU, or per CPU slot), and ``assemble_book`` writes a book from its stored
chunks on a CPU worker. Plain classes and functions: the driver wraps them with
``ray.remote``, so this module imports neither ray nor torch.

Both reuse the one-machine code as it is: ``runner.models`` loads the models and builds the
content keys, ``pipeline.takes`` speaks through the quality gate, ``ChunkStore`` stores each
take atomically under its key, and ``runner.book.speak_book`` assembles a book whose chunks
are all stored (it then synthesises nothing).
"""

from __future__ import annotations

import dataclasses
import os
import socket
import time

from tts_cli.errors import OutputError


class ChunkWorker:
    """Each model the run needs, loaded once; ``synthesize`` speaks a batch of chunks and
    stores each under its content key. A worker killed mid-batch is restarted by Ray and the
    batch retried: chunks already stored are skipped, and a chunk made twice is the same
    audio under the same key (its seed comes from its key), written atomically."""

    def __init__(
        self, req, needed: tuple[str, ...], generation, engine_options, gate_options, threads
    ):
        import torch

        from tts_cli.engine.device import resolve_device, resolve_dtype
        from tts_cli.models.folders import resolve_folders
        from tts_cli.runner.book import quality_gate
        from tts_cli.runner.models import key_sets, make_engines

        self.device = resolve_device(req.device)
        if threads and not str(self.device).startswith("cuda"):
            # Ray sets OMP_NUM_THREADS to the CPUs a worker reserves; float sums depend on the
            # thread count, so a CPU worker computes with the driver's one-machine count and
            # makes the same samples as a one-machine run there
            torch.set_num_threads(threads)
        dtype = resolve_dtype(req.dtype, self.device)
        folders = resolve_folders(list(needed), list(req.model_dirs) or None)
        self.engine = make_engines(req, folders, self.device, dtype, generation, engine_options)
        self.keysets = key_sets(req, folders, generation, self.device, self.engine, gate_options)
        self.model = ", ".join(f.source for f in folders.values())
        self.gate = quality_gate(gate_options)

    def describe(self) -> dict:
        """What the driver needs to plan: content keys, device, batch size, where it runs."""
        from tts_cli.pipeline import jsonable_stats

        inner = getattr(self.engine, "engines", None) or {"": self.engine}
        return {
            "keysets": self.keysets,
            "device": self.device,
            "model": self.model,
            "engine": self.engine.name,
            "sample_rate_hz": self.engine.sample_rate_hz,
            "batch_sizes": {
                name: max(1, int(getattr(e, "batch_size", 1))) for name, e in inner.items()
            },
            "stats": jsonable_stats(getattr(self.engine, "stats", {})),
            "host": socket.gethostname(),
            "pid": os.getpid(),
        }

    def synthesize(self, jobs: list, remake: bool = False) -> dict:
        """Speak ``jobs`` (``(store folder, key, SynthesisRequest)``), storing each take;
        returns what was made (keys, speech seconds, tokens, engine stage seconds).
        ``remake`` (``--fresh``): chunks already stored are made again too."""
        from tts_cli.jobs import ChunkStore
        from tts_cli.pipeline import stored_take, takes

        start = time.perf_counter()
        before = dict(self.engine.stage_seconds)
        todo = []
        for root, key, request in jobs:
            store = ChunkStore(root)
            if not remake and key in store and store.get(key) is not None:
                continue  # stored by this batch's earlier, killed attempt
            todo.append((store, key, request))
        # chunks of several books share indices: the engine gets them numbered
        numbered = [dataclasses.replace(r, index=i) for i, (_, _, r) in enumerate(todo)]
        rate = self.engine.sample_rate_hz
        made, samples, tokens = [], 0, 0
        for take in takes(self.engine, numbered, self.gate):
            store, key, _ = todo[take.index]
            store.put(key, stored_take(take, rate))
            made.append(key)
            samples += len(take.audio)
            tokens += int(take.tokens)
        after = self.engine.stage_seconds
        return {
            "made": made,
            "skipped": len(jobs) - len(todo),
            "speech_seconds": samples / rate,
            "tokens": tokens,
            "stages": {k: v - before.get(k, 0.0) for k, v in after.items()},
            "seconds": time.perf_counter() - start,
            "pid": os.getpid(),
        }


class StoredChunksOnly:
    """The engine of an assembly task: every chunk of the book is stored already. A chunk
    that is not (its file removed mid-run) is an error, never a synthesis on a CPU node."""

    batch_size = 1

    def __init__(self, name: str, sample_rate_hz: int):
        self.name = name
        self.sample_rate_hz = sample_rate_hz
        self.stage_seconds: dict[str, float] = {}
        self.stats: dict = {}

    def synthesize(self, requests):
        requests = list(requests)
        if requests:
            raise OutputError(
                f"{len(requests)} stored chunks vanished from the work directory before "
                "the book was assembled",
                "run the same command again: the missing chunks are made again",
            )
        return iter(())


def assemble_book(req, book, plan, assembly, keysets, info: dict, gate_options, batch: bool):
    """One book written from its stored chunks by the one-machine book path; its summary."""
    from tts_cli.runner.book import speak_book

    engine = StoredChunksOnly(info["engine"], info["sample_rate_hz"])
    summary = speak_book(
        req,
        book,
        plan,
        engine,
        assembly,
        device=info["device"],
        model=info["model"],
        keysets=keysets,
        gate_options=gate_options,
        batch=batch,
    )
    result = summary.to_dict()
    if plan.lexicon_counts is not None:
        result["lexicon"] = dict(plan.lexicon_counts)
    return result
