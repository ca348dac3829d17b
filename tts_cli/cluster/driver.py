"""A shelf of books on a Ray cluster (Ray core: actors and tasks).

The driver has planned every book already (``runner.execute`` up to the model loads). Here
it starts a pool of ``ChunkWorker`` actors (one per GPU, or ``--workers``), learns the
content keys from them, finds what each book's store holds, and keeps every worker two
batches deep in chunks to make, so that a worker never waits on the driver. As soon as
every chunk of a book is stored, a CPU task assembles it through the one-machine book path
while the workers go on with the next books. A worker that dies is restarted by Ray and its
batch retried (``MAX_RESTARTS``, ``MAX_TASK_RETRIES``); stored chunks are never made again.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path

from tts_cli.cluster import report as cluster_report
from tts_cli.cluster.options import CPU_WORKERS_DEFAULT, CPUS_PER_WORKER, LOCAL, import_ray
from tts_cli.errors import DeviceError, OptionError, TtsgenError

logger = logging.getLogger("tts_cli.cluster")

#: Restarts of a worker that died (OOM killer, a lost node) before its batches go to others.
MAX_RESTARTS = 3
#: Retries of a batch whose worker died while speaking it.
MAX_TASK_RETRIES = 3
#: Retries of a book's assembly whose CPU worker died.
ASSEMBLY_RETRIES = 2
#: Batches queued on each worker: one running, one waiting, so it never idles on the driver.
BATCHES_IN_FLIGHT = 2


@dataclass
class _Book:
    """A book's state in the run."""

    book: object
    """The ``Book`` with absolute paths (workers run elsewhere)."""
    given: object
    """The ``Book`` as the command line gave it (for the summary)."""
    plan: object
    keys: list[str]
    assembly: object
    reused: int
    """Chunks (plan positions) stored before this run."""
    missing: set[str]
    """Keys still to be made."""
    uses: dict[str, int]
    made: int = 0
    done: int = 0
    """Plan positions stored so far."""
    batches: int = 0
    stages: dict[str, float] = field(default_factory=dict)
    failed: bool = False
    assembling: bool = False


@dataclass
class _Batch:
    model: str
    jobs: list = field(default_factory=list)
    """``(book number, key, SynthesisRequest)``."""


def run_on_ray(req, checked, planned: list, failed: list[dict], started: float) -> dict:
    """Speak and write ``planned`` books on the cluster ``req.ray`` names; the batch summary
    of ``runner.report`` plus ``cluster`` totals."""
    from tts_cli.runner.models import prepare_models

    ray = import_ray()
    # what the models need (voice, packages, folders) fails here, on the driver, in one line
    prepare_models(req, [p for _, p in planned], checked.model_dirs, checked.generation)
    work_req = _absolute(req)
    with _connected(ray, req):
        count, gpus = _placement(ray, req.ray)
        return _Run(ray, req, work_req, checked, planned, failed, started, count, gpus).go()


@contextlib.contextmanager
def _connected(ray, req):
    """Ray joined (or started, for ``local``) for the run, and left after it; a caller that
    initialised ray itself (a library user, a test) keeps its own connection."""
    if ray.is_initialized():
        yield
        return
    address = req.ray.address
    kwargs = {"log_to_driver": False, "logging_level": logging.ERROR}
    if address == LOCAL:
        kwargs["include_dashboard"] = False
    from tts_cli.jobs import signals

    try:
        with signals.kept():  # a stop signal stays a clean stop with its resume line
            ray.init(address=None if address == LOCAL else address, **kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise DeviceError(
            f"cannot join the Ray cluster at {address}: {first}",
            "start one with ray start --head (then --ray auto), or use --ray local",
        ) from None
    try:
        yield
    finally:
        ray.shutdown()


def _placement(ray, options) -> tuple[int, float]:
    """How many workers, each holding how many GPUs, checked against the cluster."""
    res = ray.cluster_resources()
    gpus, cpus = float(res.get("GPU", 0)), float(res.get("CPU", 0))
    share = options.gpus_per_worker
    share = (1.0 if gpus else 0.0) if share is None else float(share)
    if share > 0 and gpus == 0:
        raise DeviceError(
            f"--gpus-per-worker {share:g} but the Ray cluster has no GPUs",
            "give --gpus-per-worker 0 for CPU workers, or add GPU nodes",
        )
    count = options.worker_count
    if count is None:
        count = max(1, int(gpus // share)) if share else CPU_WORKERS_DEFAULT
    if share and count * share > gpus + 1e-9:
        raise OptionError(
            f"--workers {count} with --gpus-per-worker {share:g} need {count * share:g} GPUs; "
            f"the Ray cluster has {gpus:g}",
            "give fewer --workers or a smaller --gpus-per-worker",
        )
    if count * CPUS_PER_WORKER + 1 > cpus:
        raise OptionError(
            f"{count} workers need {count * CPUS_PER_WORKER} CPUs and assembly one more; "
            f"the Ray cluster has {cpus:g}",
            "give fewer --workers, or add nodes",
        )
    return count, share


def _absolute(req):
    """The request with every path a worker opens made absolute (workers have another
    working directory; a shared filesystem is mounted at the same path on every node, and a
    ``--work-dir`` URL names the same place everywhere)."""

    from tts_cli.jobs.storage import absolute_location as absolute  # URLs kept as they are

    return replace(
        req,
        output=req.output if req.output in (None, "-") else str(absolute(req.output)),
        work_dir=absolute(req.work_dir),
        voice=absolute(req.voice),
        model_dirs=tuple(absolute(d) for d in req.model_dirs),
        voice_cache_dir=absolute(req.voice_cache_dir),
    )


def _absolute_book(book):
    return replace(book, output=str(Path(book.output).expanduser().resolve()))


class _Run:
    """One run's workers, books, queue and progress."""

    def __init__(self, ray, req, work_req, checked, planned, failed, started, count, gpus):
        self.ray, self.req, self.work_req, self.checked = ray, req, work_req, checked
        self.planned, self.failed, self.started = planned, failed, started
        self.count, self.gpus = count, gpus
        self.results: list[tuple[int, dict]] = []
        self.inflight: dict = {}
        self.queue: deque[_Batch] = deque()
        self.pids: list[set[int]] = [set() for _ in range(count)]
        self.alive = [True] * count
        self.speech_seconds = 0.0
        self.tokens = 0

    # ------------------------------------------------------------------ setup
    def _start_workers(self) -> list:
        from tts_cli.cluster.actors import ChunkWorker
        from tts_cli.models.routing import models_needed

        needed: list[str] = []
        for _, plan in self.planned:
            needed += [m for m in models_needed(plan) if m not in needed]
        token = secrets.token_hex(4)
        actor = self.ray.remote(ChunkWorker)
        self.workers = [
            actor.options(
                name=f"ttsgen-worker-{token}-{i}",
                num_cpus=CPUS_PER_WORKER,
                num_gpus=self.gpus,
                max_restarts=MAX_RESTARTS,
                max_task_retries=MAX_TASK_RETRIES,
            ).remote(
                self.work_req,
                tuple(needed),
                self.checked.generation,
                self.checked.engine,
                self.checked.gate,
                _one_machine_threads(),
            )
            for i in range(self.count)
        ]
        try:
            infos = self.ray.get(self._wait([w.describe.remote() for w in self.workers]))
        except self.ray.exceptions.RayError as err:
            raise DeviceError(
                f"a Ray worker could not load the models: {_first_line(err)}",
                "check that ttsgen and the model folders are on every node (same paths)",
            ) from None
        first = infos[0]
        for i, info in enumerate(infos):
            self.pids[i].add(info["pid"])
            if info["keysets"] != first["keysets"]:
                raise DeviceError(
                    f"Ray workers on {first['host']} ({first['device']}) and {info['host']} "
                    f"({info['device']}) would make different audio for the same chunk",
                    "give --device and --dtype explicitly, or use nodes of one kind",
                )
        return infos

    def _books(self, keysets) -> list[_Book]:
        from tts_cli.jobs import chunk_seed
        from tts_cli.pipeline import chunk_requests
        from tts_cli.runner.book import chunk_keys, work_of
        from tts_cli.runner.checks import book_assembly

        batch = self.checked.batch
        books: list[_Book] = []
        queues: dict[str, _Batch] = {}
        sizes = self.info["batch_sizes"]
        for n, (given, plan) in enumerate(self.planned):
            book = _absolute_book(given)
            keys = chunk_keys(plan, keysets)
            work = work_of(self.work_req, book, batch)
            have: set[str] = set()
            with work:  # refused here if another run holds it; the manifest records the plan
                if not self.req.fresh:
                    have = {k for k in dict.fromkeys(keys) if work.store.get(k) is not None}
                reused = sum(1 for k in keys if k in have)
                work.start(keys, total_stored=reused)
            todo = chunk_requests(plan.chunks, keys, [chunk_seed(k) for k in keys], have)
            uses: dict[str, int] = {}
            for k in keys:
                uses[k] = uses.get(k, 0) + 1
            assembly = book_assembly(self.checked.assembly, book, batch)
            assembly = replace(
                assembly,
                cover=None if assembly.cover is None else Path(assembly.cover).resolve(),
                subtitles=None
                if assembly.subtitles is None
                else Path(assembly.subtitles).resolve(),
            )
            books.append(
                _Book(book, given, plan, keys, assembly, reused, set(todo), uses, done=reused)
            )
            root = str(work.store.root)
            for key, request in todo.items():  # full batches of each model, in book order
                model = request.model or next(iter(sizes))
                queue = queues.setdefault(model, _Batch(model))
                queue.jobs.append((n, root, key, request))
                if len(queue.jobs) >= sizes.get(model, 1):
                    self.queue.append(queues.pop(model))
        self.queue.extend(q for q in queues.values() if q.jobs)
        return books

    # ------------------------------------------------------------------ the run
    def go(self) -> dict:
        """The run, with stop signals raised between Ray's calls (``signals.deferred``)."""
        from tts_cli.jobs import signals

        with signals.deferred() as self.stop:
            return self._go()

    def _go(self) -> dict:
        from tts_cli.progress import ProgressView
        from tts_cli.runner import report

        infos = self._start_workers()
        self.info = infos[0]
        self.books = self._books(self.info["keysets"])
        self.total = sum(len(b.keys) for b in self.books)
        self.to_make = sum(len(b.missing) for b in self.books)
        self.synth_start = time.perf_counter()
        with ProgressView(total=self.total, enabled=not self.req.quiet) as self.view:
            try:
                for i in range(self.count):
                    for _ in range(BATCHES_IN_FLIGHT):
                        self._feed(i)
                for n, b in enumerate(self.books):
                    if not b.missing:
                        self._assemble(n)
                self._update()
                while self.inflight:
                    self._next()
            except BaseException as stop:
                self._mark_stop(stop)
                raise
        wall = time.perf_counter() - self.started
        results = [r for _, r in sorted(self.results, key=lambda nr: nr[0])]
        summary = report.batch_result(results, self.failed, wall)
        summary["cluster"] = cluster_report.cluster_totals(
            address=self.req.ray.address,
            workers=self.count,
            gpus_per_worker=self.gpus,
            info=self.info,
            pids=self.pids,
            books=self.books,
            speech_seconds=self.speech_seconds,
            results=results,
            wall=wall,
        )
        return summary

    def _feed(self, i: int) -> None:
        while self.queue and self.alive[i]:
            batch = self.queue.popleft()
            batch.jobs = [j for j in batch.jobs if not self.books[j[0]].failed]
            if not batch.jobs:
                continue
            jobs = [(root, key, request) for _, root, key, request in batch.jobs]
            ref = self.workers[i].synthesize.remote(jobs, self.req.fresh)
            self.inflight[ref] = ("chunks", i, batch)
            return

    def _assemble(self, n: int) -> None:
        from tts_cli.cluster.actors import assemble_book

        b = self.books[n]
        b.assembling = True
        task = self.ray.remote(assemble_book).options(num_cpus=1, max_retries=ASSEMBLY_RETRIES)
        req = replace(self.work_req, fresh=False, quiet=True)
        ref = task.remote(
            req,
            b.book,
            b.plan,
            b.assembly,
            self.info["keysets"],
            self.info,
            self.checked.gate,
            self.checked.batch,
        )
        self.inflight[ref] = ("book", n, None)

    def _wait(self, refs: list, count: int | None = None) -> list:
        """``count`` of ``refs`` once ready (all by default); a stop signal that came
        meanwhile is raised within a second, here, outside Ray's native code."""
        count = len(refs) if count is None else count
        ready: list = []
        while len(ready) < count:
            self.stop.check()
            ready, _ = self.ray.wait(refs, num_returns=count, timeout=1.0)
        return ready

    def _next(self) -> None:
        ray = self.ray
        ref = self._wait(list(self.inflight), 1)[0]
        kind, i, batch = self.inflight.pop(ref)
        try:
            out = ray.get(ref)
        except ray.exceptions.RayActorError:
            if kind == "book":
                raise
            # the worker is gone for good (beyond its restarts): its batch goes to others
            self.alive[i] = False
            self.queue.appendleft(batch)
            if not any(self.alive):
                raise DeviceError(
                    "every Ray worker died (after restarts); the chunks made so far are stored",
                    "check the workers' memory and logs (ray logs), then run the same command "
                    "again to resume",
                ) from None
            for j, alive in enumerate(self.alive):
                if (
                    alive
                    and sum(1 for k, w, _ in self.inflight.values() if w == j) < BATCHES_IN_FLIGHT
                ):
                    self._feed(j)
            return
        except ray.exceptions.RayTaskError as err:
            cause = getattr(err, "cause", None)
            if not isinstance(cause, TtsgenError):
                raise cause if isinstance(cause, Exception) else err from None
            numbers = {n for n, *_ in batch.jobs} if kind == "chunks" else {i}
            self._fail(numbers, cause)
            if kind == "chunks":
                self._feed(i)
            return
        if kind == "chunks":
            self._stored(i, batch, out)
            self._feed(i)
        else:
            self._written(i, out)

    def _stored(self, i: int, batch: _Batch, out: dict) -> None:
        self.pids[i].add(out["pid"])
        self.speech_seconds += out["speech_seconds"]
        self.tokens += out["tokens"]
        share = 1 / max(1, len(batch.jobs))
        touched = set()
        for n, _, key, _ in batch.jobs:
            b = self.books[n]
            if key in b.missing:
                b.missing.discard(key)
                b.made += 1
                b.done += b.uses[key]
            for stage, seconds in out["stages"].items():
                b.stages[stage] = b.stages.get(stage, 0.0) + seconds * share
            touched.add(n)
        for n in sorted(touched):
            b = self.books[n]
            b.batches += 1
            if not b.missing and not b.failed and not b.assembling:
                self._assemble(n)
        self._update()

    def _written(self, n: int, result: dict) -> None:
        from tts_cli.runner.book import work_dir_of

        b = self.books[n]
        wall = time.perf_counter() - self.started
        audio = result["audio_seconds"]
        work = None
        if result.get("work_dir") is not None:
            work = str(work_dir_of(self.req, b.given, self.checked.batch))
        result.update(
            output=str(Path(b.given.output)),
            wall_seconds=round(wall, 3),
            rtf=round(wall / audio, 3) if audio else float("inf"),
            stages={k: round(v, 3) for k, v in b.stages.items()},
            engine_stats={**self.info["stats"], "batches": b.batches},
            chunks_synthesized=b.made,
            chunks_reused=b.reused,
            work_dir=work,
        )
        self.results.append((n, result))
        reused = f", {b.reused} reused" if b.reused else ""
        done = len(self.results)
        self.view.print(
            f"[{done}/{len(self.books)} books] wrote {b.given.output}: {audio / 60:.1f} min of "
            f"audio ({b.made} chunks made{reused}) | {cluster_report.overall_line(self._snapshot())}"
        )

    def _fail(self, numbers: set[int], err: TtsgenError) -> None:
        from tts_cli.runner.report import failure

        if not self.checked.batch:
            raise err
        for n in sorted(numbers):
            b = self.books[n]
            if not b.failed:
                b.failed = True
                self.failed.append(failure(b.given, err))

    # ------------------------------------------------------------------ reporting
    def _snapshot(self):
        since = self.synth_start
        return cluster_report.progress(
            self.books, self.total, self.speech_seconds, since, self.to_make
        )

    def _update(self) -> None:
        self.view.update(self._snapshot())

    def _mark_stop(self, stop: BaseException) -> None:
        """A stop signal: the CLI's resume line names the first unfinished book."""
        if not isinstance(stop, KeyboardInterrupt) and type(stop).__name__ != "Interrupted":
            return
        from tts_cli.runner.book import work_dir_of

        for b in getattr(self, "books", []):
            if b.missing:
                stop.book, stop.stored, stop.total = b.given.input, b.done, len(b.keys)
                stop.work_dir = str(work_dir_of(self.req, b.given, self.checked.batch))
                return


def _one_machine_threads() -> int:
    """The CPU threads a one-machine run on the driver computes with (torch's default, or
    what OMP_NUM_THREADS says)."""
    import torch

    return torch.get_num_threads()


def _first_line(err: BaseException) -> str:
    cause = getattr(err, "cause", None)
    text = str(cause if cause is not None else err).strip()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else type(err).__name__


__all__ = ["run_on_ray"]
