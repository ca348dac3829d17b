"""Batched decoding of Chatterbox Turbo's GPT-2 T3 (stock: ``T3.inference_turbo``).

Stock Turbo decodes one chunk per call: no CFG rows, no start/stop text tokens (the GPT-2
tokenizer's ids go in as they are), GPT-2's own learned positions (``wpe``) and no speech
position embeddings, a prompt of conditioning, text and one start-of-speech token. Here
the chunks share ``decoder.py``'s layout: each row's prompt is padded on its left after the
shared conditioning, and its GPT-2 position is its cache slot minus its padding, so every
real token gets the position stock gives it.

Sampling follows ``inference_turbo``'s order (``SamplingParams(order="turbo")``). Stock
keeps decoding when its very first token is the stop token (its stop check starts at the
second token); here a row stops at its stop token wherever it comes.
"""

from __future__ import annotations

import torch

from tts_cli.engine.t3.decoder import CHECK_EVERY_STEPS, BatchedDecoder, attention


class BatchedTurboT3(BatchedDecoder):
    """Decodes many chunks of a GPT-2 T3 at once; see ``decoder.py``. No CFG rows."""

    def __init__(
        self,
        t3,
        *,
        check_every: int = CHECK_EVERY_STEPS,
        step_mode: str = "eager",
        cpu_decode_threads: int | str | None = None,
        row_buckets: bool | None = None,
    ):
        if not getattr(t3, "is_gpt", False):
            raise NotImplementedError("BatchedTurboT3 drives the GPT-2 backbone; use BatchedT3")
        super().__init__(
            t3,
            check_every=check_every,
            step_mode=step_mode,
            cpu_decode_threads=cpu_decode_threads,
            row_buckets=row_buckets,
        )
        cfg = self.tfmr.config
        self.blocks = list(self.tfmr.h)
        self.n_heads = cfg.num_attention_heads
        self.head_dim = cfg.hidden_size // self.n_heads
        self.hidden = cfg.hidden_size
        if getattr(cfg, "scale_attn_by_inverse_layer_idx", False) or getattr(
            cfg, "reorder_and_upcast_attn", False
        ):
            raise NotImplementedError("GPT-2 attention variants other than stock's")
        self.scaling = self.head_dim**-0.5 if cfg.scale_attn_weights else 1.0

    def text_tokens(self, ids: torch.Tensor) -> torch.Tensor:
        """Turbo's text tokens are the tokenizer's ids as they are (no start/stop tokens)."""
        return ids.reshape(-1).to(torch.long).cpu()

    # ------------------------------------------------------------------ hooks
    def _geometry(self) -> tuple[int, int, int]:
        return len(self.blocks), self.n_heads, self.head_dim

    def _uses_cfg(self, params) -> bool:
        return False  # Turbo's T3 has no CFG rows, whatever cfg_weight says

    def _prompt(self, text: torch.Tensor, uncond: bool) -> torch.Tensor:
        """Text embeddings then one start-of-speech token, as ``prepare_input_embeds``."""
        t3 = self.t3
        text = text.to(self.device)
        text_emb = t3.text_emb(text)
        start = torch.tensor([self.hp.start_speech_token], device=self.device)
        bos = t3.speech_emb(start)
        if t3.text_pos_emb is not None:  # Turbo has none; kept for a GPT-2 T3 that has them
            text_emb = text_emb + t3.text_pos_emb.emb.weight[: text.numel()]
            bos = bos + t3.speech_pos_emb.emb.weight[:1]
        return torch.cat([text_emb, bos], dim=0)

    def _step_embed(self, tok: torch.Tensor, step: torch.Tensor) -> torch.Tensor:
        return self.t3.speech_emb(tok)  # inference_turbo adds no speech position here

    # ------------------------------------------------------------------ backbone
    def _layers(self, h, positions, mask, write_at, attend: int, capture: bool = False):
        """Run every GPT-2 block; writes this call's keys/values into the static cache."""
        rows, q_len, _ = h.shape
        h = h + self.tfmr.wpe(positions)
        for i, block in enumerate(self.blocks):
            attn = block.attn
            qkv = attn.c_attn(block.ln_1(h))
            q, k, v = (
                t.view(rows, q_len, self.n_heads, self.head_dim).transpose(1, 2)
                for t in qkv.split(self.hidden, dim=2)
            )
            keys, values = self._cached_kv(i, k, v, write_at, attend)
            o = attention(q, keys, values, mask, self.scaling)
            h = h + attn.c_proj(o)
            h = h + block.mlp(block.ln_2(h))
        return self.tfmr.ln_f(h)
