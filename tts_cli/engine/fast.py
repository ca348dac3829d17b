"""The fast engine: many chunks per batch through batched T3 and batched S3Gen.

Per batch: the family's own text normalisation and tokenisation, one batched T3 decode
(``t3``: Llama with CFG rows, and the alignment guard for the multilingual model;
GPT-2 without CFG for Turbo), invalid and stop tokens dropped as stock drops them (Turbo:
three silence tokens appended), one batched S3Gen solve (``s3gen_batched``: CFM with CFG,
or Turbo's meanflow), the float32 vocoder (on a GPU one masked pass for the batch, on a
CPU per chunk), then per chunk the copy to the host and the Perth watermark, as the
family's ``generate()`` applies it. Chunks come out in request order. Everything that
differs between families is read from ``model.family`` (``tts_cli.models``).

Overlap: ``submit_batch`` decodes a batch and hands its host work (copy, watermark, numpy)
to one worker thread, returning a future of its chunks, so the caller can decode the next
batch meanwhile. ``synthesize`` and the quality gate (``quality.retry.gate``, the path every
``ttsgen`` run takes) read one batch ahead this way: at most one batch waits on the worker
while one decodes, its errors come back to the caller, and ``synthesize`` still yields in
request order. ``finish`` (and ``close``) stop the worker.

Memory policy: batches of ``batch_size`` chunks; a CUDA out-of-memory error (in T3, in
S3Gen, in the vocoder or while capturing a graph) frees memory outside the ``except``
block (its traceback holds the failed batch's tensors), halves the batch and runs the same
chunks again (no chunk is ever skipped; graphs stay on); cached memory is released every
``cleanup_every`` batches and at the end. Every CUDA call goes to the engine's device
(``cuda:N``): entry points run with it current, and device queries name it.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from tts_cli.engine import adapter
from tts_cli.engine.base import ChunkAudio, GenerationOptions, Request
from tts_cli.engine.cpu_linear import PackedLinears, packing_available
from tts_cli.engine.cpu_threads import pinned_threads
from tts_cli.engine.device import cuda_scope
from tts_cli.engine.memory import CleanupPolicy, Offloader, fault_point, free_memory, is_oom
from tts_cli.engine.memory_estimate import T3Geometry, fit_batch_size
from tts_cli.engine.options import CPU_BATCH_SIZE, EngineOptions
from tts_cli.engine.precision import ReducedPrecision, engine_dtype, spill_originals
from tts_cli.engine.s3gen_batched import BatchedS3Gen
from tts_cli.engine.sampling import SamplingParams
from tts_cli.engine.stock import StageClock
from tts_cli.engine.t3 import BatchedT3, BatchedTurboT3
from tts_cli.engine.voices import VoiceCache
from tts_cli.errors import DeviceError

logger = logging.getLogger(__name__)

STAGES = ("conditionals", "t3", "s3gen", "vocoder", "watermark", "other")
SPEECH_VOCAB_SIZE = adapter.SPEECH_VOCAB_SIZE


class FastEngine:
    """Batched Chatterbox synthesis; implements the ``Engine`` protocol."""

    name = "fast"
    sample_rate_hz = adapter.SAMPLE_RATE_HZ
    _host_threads: int | None = None  # set by __init__

    def __init__(
        self,
        model: adapter.LoadedModel,
        generation: GenerationOptions | None = None,
        options: EngineOptions | None = None,
        voice: Path | None = None,
        memory_share: float = 1.0,
    ):
        """``memory_share``: the part of free GPU memory this engine may plan for (models
        sharing a GPU split it); ``voice``: a reference clip (None: the built-in voice)."""
        self.model = model
        self.memory_share = memory_share
        generation = generation or GenerationOptions()
        generation.validate()
        self.generation = generation = generation.resolve(model.family)
        self.options = options = options or EngineOptions()
        options.validate()
        self.device = model.device
        self.on_cuda = str(self.device).startswith("cuda")
        choice = engine_dtype(options.dtype, model)
        self.dtype = choice.dtype
        self.stage_seconds: dict[str, float] = {s: 0.0 for s in STAGES}
        self._clock = StageClock(self.stage_seconds, self.device)
        self._host_clock = StageClock(self.stage_seconds)  # the worker's: never syncs
        self.stats: dict[str, object] = {"batches": 0, "oom_retries": 0, "cleanups": 0}
        self.stats["host_overlap"] = False  # True once host work ran on the worker thread
        self.stats.update(dtype=choice.name, dtype_reason=choice.reason)
        if memory_share != 1.0:
            self.stats["memory_share"] = round(memory_share, 3)
        tts = model.tts
        failed = None
        with cuda_scope(self.device):
            try:
                self._setup(tts, voice, generation, options)
            except Exception as e:
                if not is_oom(e):
                    raise
                failed, e.__traceback__ = _describe(e), None
        if failed is not None:  # outside the except block, so the memory can go back
            free_memory(self.device)
            raise DeviceError(
                f"out of GPU memory while preparing the fast engine on {self.device} ({failed})",
                "use --cpu-offload, --dtype bfloat16 or float16, --batch-size 1, or --device cpu",
            )
        self._closed = False
        self._policy: CleanupPolicy | None = None
        self._worker: ThreadPoolExecutor | None = None  # host work of submitted batches
        # the worker's intra-op threads: the count the engine was made with, whatever the
        # decode loop sets on the caller's thread meanwhile (see _host_work)
        self._host_threads = torch.get_num_threads()

    def _setup(self, tts, voice, generation, options) -> None:
        """Voice conditionals, precision, packed weights and the batched submodels."""
        with self._clock("conditionals"):
            cache = VoiceCache(options.voice_cache_dir) if options.voice_cache else None
            if cache is not None:
                conds, hit = cache.conditionals(self.model, voice, generation.exaggeration)
            else:
                conds, hit = (
                    adapter.prepare_conditionals(self.model, voice, generation.exaggeration),
                    False,
                )
            self.stats["voice_cache_hit"] = hit
        self.conds = conds

        spill = self.dtype != torch.float32 and spill_originals(tts, self.device)
        self._precision = ReducedPrecision(tts, self.dtype, spill=spill)
        self.stats["precision_originals"] = (
            "file"
            if self._precision.spilled_bytes
            else ("memory" if self._precision.resident_bytes else "none")
        )
        self._packed: PackedLinears | None = None
        try:
            if options.cpu_packed_weights and packing_available(self.device, self.dtype):
                self._packed = PackedLinears(
                    [tts.t3, tts.s3gen.flow.decoder.estimator], dtype=self.dtype
                )
            self.stats["cpu_packed_linears"] = self._packed.count if self._packed else 0
            self._build(tts, conds)
        except BaseException:
            self._undo_model_changes()  # leave a shared model as it was found
            raise

    def _build(self, tts, conds) -> None:
        """Batched submodels and the voice's features (the rest of ``__init__``)."""
        options, generation = self.options, self.generation
        self.t3 = self._decoder(tts.t3)
        self.s3 = BatchedS3Gen(tts.s3gen)
        self._offload = Offloader(
            {"t3": [tts.t3], "s3gen": [tts.s3gen]},
            self.device,
            enabled=options.cpu_offload and self.on_cuda,
        )
        if options.cpu_offload and not self.on_cuda:
            logger.info("--cpu-offload has no effect on %s", self.device)
        with self._clock("conditionals"):
            self._offload.activate("t3")
            self.cond_emb = self.t3.cond_embeds(conds.t3)
            self._offload.activate("s3gen")
            self.prompt = self.s3.prompt(conds.gen)
        self.params = SamplingParams.from_generation(generation)
        self.batched_vocoder = self.on_cuda  # exact up to rounding, and no faster on a CPU
        self.batch_size = self._batch_size()
        self.stats.update(
            batch_size=self.batch_size,
            step_mode=self.t3.step_mode,
        )

    # ------------------------------------------------------------------ setup helpers
    def _decoder(self, t3):
        """The batched T3 decoder of the family's backbone."""
        fam = self.model.family
        kwargs = dict(
            check_every=self.options.check_every,
            step_mode=self._step_mode(),
            cpu_decode_threads=self.options.cpu_decode_threads,
        )
        if fam.backbone == "gpt2":
            return BatchedTurboT3(t3, **kwargs)
        return BatchedT3(t3, alignment_guard=fam.alignment_guard, **kwargs)

    def _step_mode(self) -> str:
        wanted = self.options.compile
        if wanted is None:
            wanted = self.on_cuda
        if not wanted:
            return "eager"
        return "graphs" if self.on_cuda else "compile"

    def _batch_size(self) -> int:
        fixed = self.options.fixed_batch_size
        if fixed is not None:
            return fixed
        if not self.on_cuda:
            return CPU_BATCH_SIZE
        free, _total = torch.cuda.mem_get_info(torch.device(self.device))
        return fit_batch_size(
            int(free * self.memory_share),
            T3Geometry.from_t3(self.model.tts.t3),
            torch.finfo(self.dtype).bits // 8,
            cfg=self.t3._uses_cfg(self.params),
            max_tokens=1000,
            prompt_frames=self.prompt.prompt_frames,
        )

    # ------------------------------------------------------------------ synthesis
    def synthesize(self, requests: Iterable[Request]) -> Iterator[ChunkAudio]:
        """Audio for each request, in request order; batches of ``batch_size`` chunks.

        Each batch's host work runs on the worker thread while the next batch decodes (see
        the module docstring)."""
        if self.generation.seed is not None:
            torch.manual_seed(self.generation.seed)
        total = len(requests) if hasattr(requests, "__len__") else None
        self.start(math.ceil(total / self.batch_size) if total else None)
        source = iter(requests)
        waiting: deque[Future[list[ChunkAudio]]] = deque()  # batches on the worker, oldest first
        try:
            while True:
                batch = []
                for req in source:
                    batch.append(req)
                    if len(batch) == self.batch_size:
                        break
                if not batch:
                    break
                waiting.append(self.submit_batch(batch))
                while len(waiting) > 1:  # bounded: one batch on the worker while one decodes
                    yield from waiting.popleft().result()
            while waiting:
                yield from waiting.popleft().result()
        finally:
            self.finish()  # stops the worker: what has not started is dropped

    def start(self, total_batches: int | None = None) -> None:
        """Begin a run: the cleanup policy's pace (``synthesize`` calls it)."""
        self._policy = CleanupPolicy(self.device, self.options.cleanup_every, total_batches)

    def finish(self) -> None:
        """End a run: the worker stopped (batches it has not started are dropped, the one it
        runs is waited for), final memory cleanup and its count."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.shutdown(wait=True, cancel_futures=True)
        policy = self._policy
        if policy is None:
            return
        if self.on_cuda:
            policy.final()
        self.stats["cleanups"] = policy.cleanups
        self._policy = None

    def synthesize_batch(self, batch: list[Request]) -> list[ChunkAudio]:
        """Audio for ``batch`` in its order; an out-of-memory error halves the batch size and
        runs the same chunks again in smaller batches (no chunk is ever skipped)."""
        return self._finish_parts(self._decode_batch(batch))

    def submit_batch(self, batch: list[Request]) -> Future[list[ChunkAudio]]:
        """Decode ``batch`` now (as ``synthesize_batch`` does) and return a future of its
        audio: the host work runs on the worker thread while the caller goes on, say to
        decode the next batch. The caller bounds what waits there (one batch keeps memory
        flat); errors of the decode raise here, those of the host work from ``result()``."""
        parts = self._decode_batch(batch)
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ttsgen-host")
            self.stats["host_overlap"] = True
        return self._worker.submit(self._host_work, parts)

    def _host_work(self, parts: list[_Decoded | list[ChunkAudio]]) -> list[ChunkAudio]:
        """``_finish_parts`` on the worker, at the engine's thread count (see ``_decode_batch``):
        a thread otherwise takes torch's count when it first runs an op, from whatever the
        decode loop's probe (``cpu_threads``) last set on the caller's thread."""
        with pinned_threads(self._host_threads):
            return self._finish_parts(parts)

    def _decode_batch(self, batch: list[Request]) -> list[_Decoded]:
        """The device work for ``batch``, in parts of at most ``batch_size`` chunks; an
        out-of-memory error halves the batch size and runs the same chunks again."""
        if self._policy is None:
            self.start()
        parts: list[_Decoded] = []
        pending = list(batch)
        # float sums (S3Gen, the vocoder, the watermark) depend on the thread count: 1
        # against 2 threads moves samples by ~1e-7, which flips int16 roundings. At the
        # engine's own count, a chunk sounds the same whatever the caller's count is.
        with cuda_scope(self.device), pinned_threads(self._host_threads):
            while pending:
                part = pending[: self.batch_size]
                oom = None
                try:
                    decoded = self._run_batch(part)
                except Exception as e:
                    if not is_oom(e):
                        raise
                    oom = _describe(e)
                    e.__traceback__ = None  # let the failed batch's frames go
                if oom is not None:
                    # outside the except block: the failed batch's tensors are unreachable
                    # now, so freeing memory can return them to the driver
                    self._after_oom(oom)
                    continue  # the same chunks again, in a smaller batch
                self.stats["batches"] = int(self.stats["batches"]) + 1
                self._refresh_stats()
                if self.on_cuda:
                    self._policy.after_batch()
                parts.append(decoded)
                pending = pending[len(part) :]
        return parts

    def _after_oom(self, what: str) -> None:
        self.t3.release()
        free_memory(self.device)
        if self.batch_size == 1:
            raise DeviceError(
                f"out of GPU memory with one chunk per batch ({what})",
                "use --cpu-offload, --dtype bfloat16/float16, shorter chunks, or --device cpu",
            )
        self.batch_size = max(1, self.batch_size // 2)
        self.stats["oom_retries"] = int(self.stats["oom_retries"]) + 1
        self.stats["batch_size"] = self.batch_size
        logger.warning("out of GPU memory: retrying with %d chunks per batch", self.batch_size)

    def _run_batch(self, batch: list[Request]) -> _Decoded | list[ChunkAudio]:
        """One batch through T3, S3Gen and the vocoder; its waves stay on the device."""
        tts = self.model.tts
        fam = self.model.family
        with self._clock("other"):
            texts = [self.t3.text_tokens(self.model.text.encode(r.text, r.language)) for r in batch]
            cap = tts.t3.hp.max_speech_tokens
            budgets = [max(1, min(int(r.max_new_tokens), cap)) for r in batch]
        with self._clock("t3"):
            self._offload.activate("t3")
            seeds = [getattr(r, "seed", None) for r in batch]
            raw = self.t3.generate(self.cond_emb, texts, budgets, self.params, seeds=seeds)
            stop = tts.t3.hp.stop_speech_token
            stopped = [bool((t == stop).any()) for t in raw]  # raw is on the CPU already
            # stock: drop_invalid_tokens, then keep speakable tokens only
            speech = [t[t < SPEECH_VOCAB_SIZE] for t in raw]
            if fam.trailing_silence_tokens:
                silence = torch.full((fam.trailing_silence_tokens,), adapter.api().S3GEN_SIL)
                speech = [torch.cat([t, silence.to(t)]) if t.numel() else t for t in speech]
            if self._offload.enabled:
                self.t3.release()  # the KV cache would sit idle on the GPU during S3Gen
        with self._clock("s3gen"):
            self._offload.activate("s3gen")
            fault_point("s3gen")
            spoken = [i for i, t in enumerate(speech) if t.numel() > 0]
            mels = self.s3.mels(
                self.prompt,
                [speech[i] for i in spoken],
                self.generation.cfm_steps,
                meanflow=fam.meanflow,
                seeds=[seeds[i] for i in spoken],
            )
        with self._clock("vocoder"):
            fault_point("vocoder")
            waves = self.s3.waves(mels, [seeds[i] for i in spoken], batched=self.batched_vocoder)
            # start the copies to the host now; the worker waits for them, not for later work
            host = [_to_host(w) for w in waves]
        return _Decoded(
            indices=[r.index for r in batch],
            tokens=[int(t.numel()) for t in speech],
            stopped=stopped,
            waves=dict(zip(spoken, host, strict=True)),
        )

    def _finish_parts(self, parts: list[_Decoded | list[ChunkAudio]]) -> list[ChunkAudio]:
        """Host work of decoded parts (the worker thread runs it): wait for the copies,
        watermark, float32 numpy."""
        out: list[ChunkAudio] = []
        for part in parts:
            if isinstance(part, list):  # a ready list (tests stand in for _run_batch)
                out.extend(part)
                continue
            with self._host_clock("watermark"):
                out.extend(self._finish(part))
        return out

    def _finish(self, part: _Decoded) -> list[ChunkAudio]:
        tts = self.model.tts
        out = []
        for i, index in enumerate(part.indices):
            entry = part.waves.get(i)
            if entry is None:
                wav = np.zeros(0, dtype=np.float32)
            else:
                tensor, ready = entry
                if ready is not None:
                    ready.synchronize()  # this copy only, not the batch decoding meanwhile
                wav = tensor.numpy().astype(np.float32, copy=False)
                wav = tts.watermarker.apply_watermark(wav, sample_rate=self.sample_rate_hz)
                wav = np.ascontiguousarray(wav, dtype=np.float32)
            out.append(
                ChunkAudio(index=index, audio=wav, tokens=part.tokens[i], stopped=part.stopped[i])
            )
        return out

    # ------------------------------------------------------------------ teardown
    def close(self) -> None:
        """Release caches, undo precision casts and offloading, free memory."""
        if self._closed:
            return
        self._closed = True
        self.finish()
        self.t3.release()
        self._offload.restore()
        self._undo_model_changes()
        free_memory(self.device)
        self._refresh_stats()

    def _refresh_stats(self) -> None:
        """Decode step mode, compile failure and CPU thread choices, as they are now."""
        if self.t3.step_failure:
            self.stats["compile_failure"] = self.t3.step_failure
        self.stats["step_mode"] = self.t3.step_mode
        self.stats["graph_captures"] = self.t3.graph_captures
        self.stats["step_shapes"] = len(self.t3.step_shapes)  # graph keys the steps used
        if self.t3.thread_choices:
            self.stats["cpu_decode_threads"] = sorted(set(self.t3.thread_choices))

    def _undo_model_changes(self) -> None:
        """Put back the original linear layers, then the original weights' dtype."""
        if self._packed is not None:
            self._packed.restore()
        self._precision.restore()

    def __enter__(self) -> FastEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass
class _Decoded:
    """One decoded part of a batch, waiting for its host work."""

    indices: list[int]  # the requests' indices, in order
    tokens: list[int]  # speech tokens per chunk
    stopped: list[bool]  # per chunk: a stop token came
    waves: dict[int, tuple[torch.Tensor, object]]  # chunk -> (host wave, copy event or None)


def _to_host(wave: torch.Tensor) -> tuple[torch.Tensor, object]:
    """Start copying a device wave to the host: ``(host tensor, event to wait for)``."""
    if wave.device.type != "cuda":
        return wave.detach(), None
    host = torch.empty(wave.shape, dtype=wave.dtype, pin_memory=True)
    host.copy_(wave, non_blocking=True)
    ready = torch.cuda.Event()
    ready.record(torch.cuda.current_stream(wave.device))
    return host, ready


def _describe(error: BaseException) -> str:
    """The first line of an error's message (kept instead of the error and its frames)."""
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
