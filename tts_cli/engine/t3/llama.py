"""Batched decoding of the Llama T3 (English and multilingual Chatterbox).

The two models share the backbone; the multilingual one has a larger text vocabulary (its
tokenizer already puts the ``[lang]`` token in the ids, as stock ``MTLTokenizer`` does) and
stock multilingual inference runs ``AlignmentStreamAnalyzer``. Here that protection is an
``AlignmentGuard`` fed by attention computed in this loop for just the heads it reads.

The prompt matches stock's quirk exactly: conditioning, text (zeroed text embeddings in the
uncond row, text positions kept), then the start-of-speech token twice, both at speech
position 0. Rotary positions are each row's cache slot minus its padding.
"""

from __future__ import annotations

import torch

from tts_cli.engine.t3.alignment import AlignmentGuard, GuardRules
from tts_cli.engine.t3.decoder import CHECK_EVERY_STEPS, BatchedDecoder, attention


class BatchedT3(BatchedDecoder):
    """Decodes many chunks of a Llama T3 at once; see ``decoder.py``.

    ``alignment_guard``: None or False (none), True (stock multilingual's rules) or a
    ``GuardRules``; the guard needs the layers and heads its rules read.
    """

    def __init__(
        self,
        t3,
        *,
        check_every: int = CHECK_EVERY_STEPS,
        step_mode: str = "eager",
        cpu_decode_threads: int | str | None = None,
        row_buckets: bool | None = None,
        alignment_guard: bool | GuardRules | None = None,
    ):
        if getattr(t3, "is_gpt", False):
            raise NotImplementedError("BatchedT3 drives the Llama backbone; use BatchedTurboT3")
        super().__init__(
            t3,
            check_every=check_every,
            step_mode=step_mode,
            cpu_decode_threads=cpu_decode_threads,
            row_buckets=row_buckets,
        )
        self.layers = list(self.tfmr.layers)
        cfg = self.tfmr.config
        attn = self.layers[0].self_attn
        self.head_dim = attn.head_dim
        self.n_kv_heads = cfg.num_key_value_heads
        self.kv_groups = cfg.num_attention_heads // cfg.num_key_value_heads
        self.scaling = attn.scaling
        self._rope: tuple[torch.Tensor, torch.Tensor] | None = None
        if alignment_guard:
            rules = alignment_guard if isinstance(alignment_guard, GuardRules) else GuardRules()
            self.guard = AlignmentGuard(
                rules, stop_token=self.hp.stop_speech_token, bos_token=self.hp.start_speech_token
            )
            for layer, head in rules.heads:
                if layer >= len(self.layers) or head >= cfg.num_attention_heads:
                    raise ValueError(
                        f"the alignment guard reads layer {layer} head {head}, but this T3 has "
                        f"{len(self.layers)} layers of {cfg.num_attention_heads} heads"
                    )
        self._guard_heads: dict[int, list[int]] = {}
        if self.guard is not None:
            for layer, head in self.guard.rules.heads:
                self._guard_heads.setdefault(layer, []).append(head)

    # ------------------------------------------------------------------ hooks
    def _geometry(self) -> tuple[int, int, int]:
        return len(self.layers), self.n_kv_heads, self.head_dim

    def _prompt(self, text: torch.Tensor, uncond: bool) -> torch.Tensor:
        """Text embeddings then the start-of-speech token twice: what follows the conditioning."""
        t3 = self.t3
        text = text.to(self.device)
        text_emb = t3.text_emb(text)
        if uncond:
            text_emb = torch.zeros_like(text_emb)
        text_emb = text_emb + t3.text_pos_emb.emb.weight[: text.numel()]
        start = torch.tensor([self.hp.start_speech_token], device=self.device)
        bos = t3.speech_emb(start) + t3.speech_pos_emb.emb.weight[:1]
        # stock feeds the start-of-speech token twice, both at speech position 0
        return torch.cat([text_emb, bos, bos], dim=0)

    def _step_embed(self, tok: torch.Tensor, step: torch.Tensor) -> torch.Tensor:
        return self.t3.speech_emb(tok) + self.t3.speech_pos_emb.emb(step + 1)

    def _on_buffers(self, length: int) -> None:
        positions = torch.arange(length, device=self.device)[None]
        probe = torch.zeros(1, dtype=self.dtype, device=self.device)
        cos, sin = self.tfmr.rotary_emb(probe, positions)
        self._rope = (cos[0].to(self.dtype), sin[0].to(self.dtype))

    def _extra_buffers(self) -> list[torch.Tensor]:
        return list(self._rope) if self._rope is not None else []

    def _align_key(self) -> tuple:
        return (self.guard.width,) if self.guard is not None else ()

    # ------------------------------------------------------------------ backbone
    def _layers(self, h, positions, mask, write_at, attend: int, capture: bool = False):
        """Run every Llama layer; writes this call's keys/values into the static cache.

        With ``capture`` and a guard, also returns the guard's attention: the mean over its
        heads of the cond rows' attention from the last (up to two) queries to each row's
        text tokens, ``(chunks, queries, guard.width)``.
        """
        rows, q_len, _ = h.shape
        cos_t, sin_t = self._rope
        cos = cos_t[positions].unsqueeze(1)  # (rows, 1, q_len, head_dim)
        sin = sin_t[positions].unsqueeze(1)
        want = self._guard_heads if capture else {}
        align = []
        for i, layer in enumerate(self.layers):
            attn = layer.self_attn
            x = layer.input_layernorm(h)
            q = attn.q_proj(x).view(rows, q_len, -1, self.head_dim).transpose(1, 2)
            k = attn.k_proj(x).view(rows, q_len, -1, self.head_dim).transpose(1, 2)
            v = attn.v_proj(x).view(rows, q_len, -1, self.head_dim).transpose(1, 2)
            q = q * cos + _rotate_half(q) * sin
            k = k * cos + _rotate_half(k) * sin
            keys, values = self._cached_kv(i, k, v, write_at, attend)
            if self.kv_groups > 1:
                keys = keys.repeat_interleave(self.kv_groups, dim=1)
                values = values.repeat_interleave(self.kv_groups, dim=1)
            if i in want:
                align += self._text_attention(q, keys, mask, want[i])
            o = attention(q, keys, values, mask, self.scaling)
            h = h + attn.o_proj(o)
            h = h + layer.mlp(layer.post_attention_layernorm(h))
        h = self.tfmr.norm(h)
        if align:
            return h, torch.stack(align).mean(dim=0)
        return h

    def _text_attention(self, q, keys, mask, heads: list[int]) -> list[torch.Tensor]:
        """Attention probabilities of ``heads`` (cond rows, last queries) over each row's text.

        The softmax runs over the same keys stock's eager attention sees (padding is masked),
        in float32, then each row's text columns are gathered: ``(chunks, queries, width)``.
        """
        b = self._batch
        n = b.n_chunks
        qa = min(2, q.size(2))  # prefill: the two start tokens; decode: the new token
        # from the static buffers only (graph-capturable): text starts after cond + padding
        start = self._n_cond + self._pad[:n, None]
        idx = start + torch.arange(self.guard.width, device=q.device)
        idx = idx.clamp(max=keys.size(2) - 1)[:, None, :].expand(n, qa, -1)
        m = mask[:n, 0, -qa:] if mask.size(0) > 1 else mask[:1, 0, -qa:].expand(n, -1, -1)
        out = []
        for head in heads:
            scores = torch.matmul(q[:n, head, -qa:].float(), keys[:n, head].float().mT)
            scores = (scores * self.scaling).masked_fill(~m, float("-inf"))
            out.append(torch.softmax(scores, dim=-1).gather(2, idx))
        return out

    def release(self) -> None:
        super().release()
        self._rope = None


def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)
