"""Batched autoregressive decoding shared by every T3 backbone.

Stock T3 decodes one chunk per call through a Hugging Face cache that grows by
concatenation and syncs with the host on every step. ``BatchedDecoder`` decodes B chunks
at once and leaves only the transformer to its subclasses (``llama.py``, ``gpt2.py``):

* rows are ``[rows of the B chunks; their CFG uncond rows]`` (2B rows with CFG, B without);
* every row starts with the same conditioning (speaker, voice prompt, emotion): its keys and
  values are computed once and copied to all rows. The rest of each prompt is **padded on
  its left**, between the conditioning and the text, so every row ends at the same cache
  slot and writes each new key/value at the same slot on every step. A row's position is
  its cache slot minus its padding, so real tokens see exactly the positions stock gives
  them; padded keys are masked out of every attention (a padded query attends at least to
  itself, so no softmax row is empty);
* the KV cache is one preallocated tensor per layer stack (no concatenation);
* a row stops at its stop token or at its own budget; the host looks at stops only every
  ``check_every`` steps (and when a budget runs out), then drops finished rows from the
  batch so they cost nothing afterwards. With ``row_buckets`` (the default when steps run
  as CUDA graphs or compiled) the batch only ever has a few row counts: the batch's own
  and the powers of two below it. Finished rows stay in, masked (their tokens ignored,
  their cache rows kept), until the unfinished ones fit the next bucket down; then the
  batch compacts to that bucket. A whole book then decodes with at most
  ``log2(batch) + 2`` row counts, so a few graphs per cache bucket instead of one per
  finished chunk. An optional per-row guard (``alignment.py``) may rewrite a row's logits
  each step, from attention the step computed anyway.
"""

from __future__ import annotations

import copy
import time
from collections import Counter
from dataclasses import dataclass

import torch

from tts_cli.engine.cpu_threads import DecodeThreads
from tts_cli.engine.cuda_graphs import GraphedStep, bucket_length
from tts_cli.engine.memory import fault_point
from tts_cli.engine.sampling import SamplingParams, cfg_combine, process_logits, sample
from tts_cli.engine.seeding import row_key

CHECK_EVERY_STEPS = 8  # host looks at stop tokens this often


def row_bucket(live: int, start: int) -> int:
    """Chunks a batch that started with ``start`` decodes while ``live`` are unfinished:
    ``start`` itself, or the smallest power of two that holds ``live`` below it."""
    if live < 1 or start < live:
        raise ValueError("need 1 <= live <= start")
    bucket = 1 << (live - 1).bit_length()
    return start if bucket >= start else bucket


@dataclass
class DecodeBatch:
    """Per-batch decode state; row tensors shrink as chunks finish."""

    n_chunks: int  # active chunks
    rows: int  # active rows (2 * n_chunks with CFG)
    pad: torch.Tensor  # (rows,) padding between each row's conditioning and its text
    prefill_len: int  # padded prompt length = first decode slot


class BatchedDecoder:
    """Static-cache batched decoding of a T3; subclasses provide the backbone.

    Subclass hooks: ``_geometry`` (layers, kv heads, head dim), ``_prompt`` (embeddings after
    the conditioning), ``_step_embed``, ``_layers`` (the transformer writing into the static
    cache), ``_uses_cfg`` and optionally ``_on_buffers`` and ``_align_key``.
    """

    guard = None  # an AlignmentGuard (Llama multilingual) or None

    def __init__(
        self,
        t3,
        *,
        check_every: int = CHECK_EVERY_STEPS,
        step_mode: str = "eager",
        cpu_decode_threads: int | str | None = None,
        row_buckets: bool | None = None,
    ):
        """``row_buckets``: decode in a few fixed row counts (see the module docstring);
        None: on unless steps run eagerly (where every shape costs the same)."""
        self.t3 = t3
        self.hp = t3.hp
        self.tfmr = t3.tfmr
        self.check_every = max(1, int(check_every))
        self.cpu_decode_threads = cpu_decode_threads
        self.thread_choices: list[int] = []  # what auto decode threads picked, per probe
        self._cache_k: torch.Tensor | None = None
        self._cache_v: torch.Tensor | None = None
        self._batch: DecodeBatch | None = None
        # static step inputs (graph-safe buffers), sized with the cache
        self._tok: torch.Tensor | None = None
        self._step: torch.Tensor | None = None
        self._pad: torch.Tensor | None = None
        self._base: torch.Tensor | None = None
        self._n_cond: torch.Tensor | None = None
        self._graphs = GraphedStep(self._graph_step, mode=step_mode)
        self.row_buckets = step_mode != "eager" if row_buckets is None else bool(row_buckets)
        # steps per graph key the step path used (in eager mode too: what graphs would use)
        self.step_shapes: Counter[tuple] = Counter()
        self.host_checks = 0  # times the decode loop waited for the device (stop checks)

    # ------------------------------------------------------------------ properties
    @property
    def device(self) -> torch.device:
        return self.t3.speech_head.weight.device

    @property
    def dtype(self) -> torch.dtype:
        return self.t3.speech_head.weight.dtype

    @property
    def step_mode(self) -> str:
        """How decode steps run now: eager, graphs or compile (eager after a failure)."""
        return self._graphs.mode if self._graphs.enabled else "eager"

    @property
    def graph_captures(self) -> int:
        """CUDA graphs captured so far (0 unless steps run as graphs)."""
        return self._graphs.captures

    @property
    def step_failure(self) -> str | None:
        """Why graphs/compile were abandoned, if they were."""
        return self._graphs.failed

    # ------------------------------------------------------------------ conditioning
    @torch.inference_mode()
    def cond_embeds(self, t3_cond) -> torch.Tensor:
        """Conditioning embeddings ``(1, len_cond, dim)`` for a voice: compute once, reuse.

        Works on a copy: stock's ``prepare_conditioning`` caches the prompt embedding on
        the ``T3Cond`` it is given, which would leak one dtype or device into another run.
        """
        cond = copy.copy(t3_cond)
        cond.cond_prompt_speech_emb = None
        cond = cond.to(device=self.device, dtype=self.dtype)
        return self.t3.prepare_conditioning(cond)

    def text_tokens(self, ids: torch.Tensor) -> torch.Tensor:
        """Wrap tokenizer ids ``(1, n)`` or ``(n,)`` in start/stop text tokens, as stock does."""
        ids = ids.reshape(-1).to(torch.long)
        sot = torch.tensor([self.hp.start_text_token], dtype=torch.long)
        eot = torch.tensor([self.hp.stop_text_token], dtype=torch.long)
        return torch.cat([sot, ids.cpu(), eot])

    # ------------------------------------------------------------------ public decode
    @torch.inference_mode()
    def generate(
        self,
        cond_emb: torch.Tensor,
        texts: list[torch.Tensor],
        budgets: list[int],
        params: SamplingParams,
        generator: torch.Generator | None = None,
        logit_bias=None,
        seeds: list[int | None] | None = None,
    ) -> list[torch.Tensor]:
        """Speech tokens for each chunk, as the stock inference would return them.

        ``texts``: 1-D text token tensors (``text_tokens``); ``budgets``: each chunk's max
        new tokens. Returns per chunk the sampled tokens up to and including the stop token
        (if one came), on the CPU. ``logit_bias(step)`` may return a ``(B, V)`` tensor added
        to the guided logits (after the guard) before sampling (tests force tokens with it).
        ``seeds``: per chunk a seed (its tokens come from its own counter-based stream, see
        ``seeding.py``) or None (``generator`` or the global RNG, as without seeds).
        """
        if len(texts) != len(budgets) or not texts:
            raise ValueError("need one budget per text and at least one text")
        if min(budgets) < 1:
            raise ValueError("every budget must be at least one token")
        n = len(texts)
        use_cfg = self._uses_cfg(params)
        max_budget = max(budgets)
        if self.guard is not None:
            self.guard.start([t.numel() for t in texts], self.device)
        out_step = self._prefill(cond_emb, texts, use_cfg, max_budget)
        device = self.device
        logits = out_step[0] if isinstance(out_step, tuple) else out_step
        vocab = logits.size(-1)
        out = torch.full((n, max_budget), -1, dtype=torch.long, device=device)
        seen = torch.zeros(n, vocab, dtype=torch.bool, device=device)
        seen[:, self.hp.start_speech_token] = True  # stock's generated ids start with BOS
        state = _LoopState(
            out=out,
            seen=seen,
            done=torch.zeros(n, dtype=torch.bool, device=device),
            budget=torch.tensor(budgets, dtype=torch.long, device=device),
            ids=torch.arange(n, device=device),  # original chunk id of each active row
        )
        if seeds is not None and any(x is not None for x in seeds):
            if len(seeds) != n:
                raise ValueError("need one seed (or None) per text")
            keys = [0 if x is None else row_key(x) for x in seeds]
            state.keys = torch.tensor(keys, dtype=torch.long, device=device)
            if any(x is None for x in seeds):
                state.keyed = torch.tensor([x is not None for x in seeds], device=device)
        threads = DecodeThreads(self.cpu_decode_threads if device.type == "cpu" else None)
        before = torch.get_num_threads()
        try:
            self._decode_loop(
                out_step, state, set(budgets), max_budget, params, generator, logit_bias, threads
            )
        finally:
            torch.set_num_threads(before)
            self.thread_choices.extend(threads.choices)
        out = out.cpu()
        return [row[row >= 0] for row in out]

    def _decode_loop(
        self, out_step, st, budget_steps, max_budget, params, generator, logit_bias, threads
    ) -> None:
        stop = self.hp.stop_speech_token
        start = self.hp.start_speech_token
        n_start = self._batch.n_chunks
        for s in range(max_budget):
            logits, align = out_step if isinstance(out_step, tuple) else (out_step, None)
            guided = cfg_combine(logits.float(), self._batch.n_chunks, params.cfg_weight)
            if self.guard is not None:
                guided = self.guard.step(guided, align, s, active=~st.done)
            bias = logit_bias(s) if logit_bias is not None else None
            if bias is not None:
                guided = guided + bias.to(guided.device)[st.ids]
            tok = sample(process_logits(guided, st.seen, params), generator, st.keys, st.keyed, s)
            tok = torch.where(st.done, torch.full_like(tok, -1), tok)
            st.out[st.ids, s] = tok
            if s == 0 and params.start_penalised_once:  # turbo: BOS penalised on step one only
                st.seen[:, start] = False
            st.seen.scatter_(1, tok.clamp(min=0).unsqueeze(1), True)
            if self.guard is not None:
                self.guard.record(tok)
            st.done = st.done | (tok == stop) | (st.budget <= s + 1)
            if s + 1 == max_budget:
                break
            if (s + 1) % self.check_every == 0 or (s + 1) in budget_steps:
                self.host_checks += 1
                n_live = int((~st.done).sum())  # the loop's only host sync
                if n_live == 0:
                    break
                n_keep = row_bucket(n_live, n_start) if self.row_buckets else n_live
                if n_keep < self._batch.n_chunks:
                    # unfinished rows first, then finished ones to fill the bucket; each
                    # group in batch order (the per-row state moves with its row)
                    order = torch.argsort(st.done.to(torch.int8), stable=True)
                    keep = order[:n_keep].sort().values
                    self._compact(keep, self._batch.prefill_len + s + 1)
                    tok = tok[keep]
                    st.keep(keep)
            n_threads = threads.next_step()
            if n_threads is not None and n_threads != torch.get_num_threads():
                torch.set_num_threads(n_threads)
            t0 = time.perf_counter()
            out_step = self._decode(tok.clamp(min=0), s)
            threads.record(time.perf_counter() - t0)  # CPU ops are synchronous: this is the step

    # ------------------------------------------------------------------ prefill
    def _prefill(self, cond_emb, texts, use_cfg: bool, max_budget: int):
        """Fill the cache for every row; returns the logits of each row's last position
        (and, with a guard, the attention it reads).

        Layout per row: ``[conditioning | padding | prompt]``. The conditioning is the same
        for every row and comes first, so its keys and values are computed once (one row)
        and copied to all rows; padding sits between it and the prompt.
        """
        fault_point("prefill")
        self._graphs.device = self.device  # graphs are captured where the cache lives
        n = len(texts)
        max_text = self.hp.max_text_tokens + 2
        if max(t.numel() for t in texts) > max_text:
            raise ValueError(f"a chunk has more than {max_text} text tokens")
        seqs = [self._prompt(t, uncond=False) for t in texts]
        if use_cfg:
            seqs += [self._prompt(t, uncond=True) for t in texts]
        cond = cond_emb.to(self.device, self.dtype)
        n_cond = cond.size(1)
        lengths = torch.tensor([s.size(0) for s in seqs], device=self.device)
        width = int(lengths.max())
        prefill_len = n_cond + width
        rows = len(seqs)
        h = torch.zeros(rows, width, cond.size(-1), dtype=self.dtype, device=self.device)
        for r, seq in enumerate(seqs):
            h[r, width - seq.size(0) :] = seq
        pad = width - lengths

        self._ensure_buffers(rows, prefill_len + max_budget)
        self._pad[:rows] = pad
        self._base.fill_(prefill_len)
        self._n_cond.fill_(n_cond)
        self._batch = DecodeBatch(
            n_chunks=n,
            rows=rows,
            pad=self._pad[:rows],
            prefill_len=prefill_len,
        )
        dev = self.device
        # 1. the shared conditioning, once
        if n_cond:
            ar_c = torch.arange(n_cond, device=dev)
            causal_c = torch.ones(n_cond, n_cond, dtype=torch.bool, device=dev).tril()
            self._layers(cond, ar_c[None], causal_c[None, None], write_at=0, attend=n_cond)
            for cache in (self._cache_k, self._cache_v):
                cache[:, 1:rows, :, :n_cond] = cache[:, :1, :, :n_cond]
        # 2. the prompt of every row, attending to the conditioning and itself
        cols = n_cond + torch.arange(width, device=dev)  # cache columns of the queries
        keys = torch.arange(prefill_len, device=dev)
        positions = (cols[None, :] - pad[:, None]).clamp(min=0)
        key_ok = (keys[None, :] < n_cond) | (keys[None, :] >= n_cond + pad[:, None])
        mask = (keys[None, :] <= cols[:, None])[None] & key_ok[:, None, :]
        mask = mask | (keys[None, :] == cols[:, None])[None]  # a padded query sees itself
        out = self._layers(
            h, positions, mask[:, None], write_at=n_cond, attend=prefill_len, capture=True
        )
        return self._head(out)

    def _head(self, out):
        """Logits of the last position (with the guard's attention, when there is one)."""
        if isinstance(out, tuple):
            h, align = out
            return self.t3.speech_head(h[:, -1]), align
        return self.t3.speech_head(out[:, -1])

    # ------------------------------------------------------------------ decode step
    def _decode(self, tok: torch.Tensor, step: int):
        fault_point("step")
        b = self._batch
        self._tok[: b.n_chunks] = tok
        self._step.fill_(step)
        attend = bucket_length(b.prefill_len + step + 1, self._cache_k.size(3))
        key = (b.n_chunks, b.rows, attend, *self._align_key())
        self.step_shapes[key] += 1
        if not self._graphs.enabled:  # eager: attend over exactly what exists
            key = (b.n_chunks, b.rows, b.prefill_len + step + 1, *key[3:])
        return self._graphs(key)

    def _graph_step(self, key):
        """One decode step reading only static buffers (graph-capturable)."""
        n, rows, attend = key[:3]
        tok = self._tok[:n]
        emb = self._step_embed(tok, self._step)  # (n, dim)
        if rows != n:
            emb = torch.cat([emb, emb], dim=0)
        pad = self._pad[:rows]
        slot = self._step + self._base  # (1,) cache slot of this step
        positions = (slot - pad)[:, None]  # (rows, 1)
        ar = torch.arange(attend, device=tok.device)
        n_cond = self._n_cond
        key_ok = ((ar[None, :] < n_cond) | (ar[None, :] >= n_cond + pad[:, None])) & (
            ar[None, :] <= slot
        )
        mask = key_ok[:, None, None, :]
        out = self._layers(
            emb[:, None], positions, mask, write_at=slot, attend=attend, capture=True
        )
        return self._head(out)

    # ------------------------------------------------------------------ subclass hooks
    def _cached_kv(self, layer: int, k, v, write_at, attend: int):
        """Write this call's keys/values of ``layer`` into the static cache at ``write_at`` (an
        int slot when prefilling; a device tensor when decoding, so the step stays
        graph-capturable) and return the cached keys/values of its first ``attend``
        positions."""
        rows, q_len = k.size(0), k.size(2)
        ck, cv = self._cache_k[layer, :rows], self._cache_v[layer, :rows]
        if isinstance(write_at, int):
            ck[:, :, write_at : write_at + q_len] = k
            cv[:, :, write_at : write_at + q_len] = v
        else:
            ck.index_copy_(2, write_at, k)
            cv.index_copy_(2, write_at, v)
        return ck[:, :, :attend], cv[:, :, :attend]

    def _geometry(self) -> tuple[int, int, int]:
        """(layers, kv heads, head dim) of the static cache."""
        raise NotImplementedError

    def _uses_cfg(self, params: SamplingParams) -> bool:
        return params.cfg_weight > 0.0

    def _prompt(self, text: torch.Tensor, uncond: bool) -> torch.Tensor:
        raise NotImplementedError

    def _step_embed(self, tok: torch.Tensor, step: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def _layers(self, h, positions, mask, write_at, attend: int, capture: bool = False):
        raise NotImplementedError

    def _on_buffers(self, length: int) -> None:
        """Called after the cache is (re)allocated for ``length`` positions."""

    def _align_key(self) -> tuple:
        """Extra graph key parts (shapes the guard's attention depends on)."""
        return ()

    # ------------------------------------------------------------------ buffers
    def _ensure_buffers(self, rows: int, length: int) -> None:
        """(Re)allocate the static cache only when a batch needs more than it holds.

        The old cache is dropped before the new one is allocated, so a reallocation never
        holds both (``t3_static_bytes`` in ``memory_estimate.py`` counts one)."""
        n_layers, n_kv_heads, head_dim = self._geometry()
        ck = self._cache_k
        if ck is not None:
            fits = ck.size(1) >= rows and ck.size(3) >= length
            if fits and ck.device == self.device and ck.dtype == self.dtype:
                return
            # grow geometrically so a slightly longer batch does not realloc
            rows = max(rows, ck.size(1))
            length = max(length, int(ck.size(3) * 1.25))
        del ck
        self.release()
        shape = (n_layers, rows, n_kv_heads, length, head_dim)
        self._cache_k = self._new_buffer(shape, self.dtype)
        self._cache_v = self._new_buffer(shape, self.dtype)
        self._tok = self._new_buffer((rows,), torch.long)
        self._step = self._new_buffer((1,), torch.long)
        self._pad = self._new_buffer((rows,), torch.long)
        self._base = self._new_buffer((1,), torch.long)
        self._n_cond = self._new_buffer((1,), torch.long)
        self._on_buffers(length)

    def _new_buffer(self, shape: tuple[int, ...], dtype: torch.dtype) -> torch.Tensor:
        return torch.zeros(shape, dtype=dtype, device=self.device)

    def buffer_bytes(self) -> int:
        """Bytes of the static buffers held now (cache, step inputs, rotary tables)."""
        held = [self._cache_k, self._cache_v, self._tok, self._step, self._pad, self._base]
        held += [self._n_cond, *self._extra_buffers()]
        return sum(t.nbytes for t in held if t is not None)

    def _extra_buffers(self) -> list[torch.Tensor]:
        """Subclass buffers sized with the cache (``buffer_bytes`` counts them)."""
        return []

    def _compact(self, keep: torch.Tensor, written: int) -> None:
        """Move the rows ``keep`` to the front of the static buffers.

        Only the ``written`` cache positions filled so far are moved, one layer at a time,
        so the copy's temporary is the kept rows of one layer's prefix, never the cache."""
        b = self._batch
        rows_keep = keep if b.rows == b.n_chunks else torch.cat([keep, keep + b.n_chunks])
        n_rows = int(rows_keep.numel())
        for cache in (self._cache_k, self._cache_v):
            for layer in range(cache.size(0)):
                cache[layer, :n_rows, :, :written] = cache[layer, rows_keep, :, :written]
        self._pad[:n_rows] = self._pad[rows_keep]
        b.n_chunks = int(keep.numel())
        b.rows = n_rows
        b.pad = self._pad[:n_rows]
        if self.guard is not None:
            self.guard.keep(keep)

    def release(self) -> None:
        """Drop the cache and captured graphs (frees their memory)."""
        self._cache_k = self._cache_v = None
        self._tok = self._step = self._pad = self._base = self._n_cond = None
        self._graphs.reset()


@dataclass
class _LoopState:
    """Per-chunk tensors of the decode loop, indexed by active row."""

    out: torch.Tensor  # (B, max_budget) tokens by original chunk id; -1 where none
    seen: torch.Tensor  # (rows, V) tokens the repetition penalty applies to
    done: torch.Tensor  # (rows,)
    budget: torch.Tensor  # (rows,)
    ids: torch.Tensor  # (rows,) original chunk id
    keys: torch.Tensor | None = None  # (rows,) int64 stream key of seeded chunks
    keyed: torch.Tensor | None = None  # (rows,) bool, only when some chunks have no seed

    def keep(self, keep: torch.Tensor) -> None:
        self.seen, self.done = self.seen[keep], self.done[keep]
        self.budget, self.ids = self.budget[keep], self.ids[keep]
        if self.keys is not None:
            self.keys = self.keys[keep]
        if self.keyed is not None:
            self.keyed = self.keyed[keep]


def attention(q, k, v, mask, scale: float) -> torch.Tensor:
    """Rows' attention output, ``(rows, queries, heads * head_dim)``: the matmul form for one
    float32 query on CPU (``single_query_attention``), else PyTorch's fused SDPA.

    In bfloat16 the fused kernel wins at one query too: on the build machine (1 thread, a
    full-size decode step's 8 rows x 16 heads over 160 cached keys) 0.25 ms against 1.47 ms
    for the matmul form, which copies the strided cache slices for its bf16 ``bmm``. Float32
    keeps the matmul form, which its parity tests were measured with (0.59 ms; SDPA 0.35)."""
    if q.size(2) == 1 and q.device.type == "cpu" and q.dtype == torch.float32:
        o = single_query_attention(q, k, v, mask, scale)
    else:
        o = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=scale)
    return o.transpose(1, 2).reshape(q.size(0), q.size(2), -1)


def single_query_attention(q, k, v, mask, scale: float) -> torch.Tensor:
    """Attention for one query per row as two batched matmuls.

    On CPU, the fused SDPA kernel costs ~1 ms per call at one query (30 ms per full-size
    step); this costs a tenth of that. Every row has at least its own new key unmasked.
    """
    scores = torch.matmul(q, k.transpose(-1, -2)) * scale
    scores = scores.masked_fill(~mask, float("-inf"))
    return torch.matmul(torch.softmax(scores, dim=-1), v)
