"""Per-row alignment guard: stock multilingual's ``AlignmentStreamAnalyzer``, batched.

Stock multilingual inference (chatterbox 0.1.7) watches where a few attention heads of the
Llama T3 look in the text while speech is generated, and rewrites the guided logits:

* while the aligned text position (argmax over the text of this frame's attention, after
  masking text columns beyond the frame index) is before the last 3 text tokens, and the
  text has more than 5 tokens, the stop token is suppressed (logit -2**15);
* once the position has reached the last 3 text tokens ("complete"), the stop token is
  forced (every logit -2**15, the stop token +2**15) on a long tail (the attention mass on
  the last 3 tokens since completion reaches 5 frames' worth), on an alignment repeat (the
  per-frame maximum over all but the last 5 tokens, summed since completion, exceeds 5) or
  whenever the last two generated tokens are equal (the start token counts as generated).

Positions move only by jumps in (-4, 7); the frames of the step that completes do not
count towards the sums. Stock computes this with eager attention on every layer, forward
hooks that copy the attention to the CPU on every step (and are never removed), and Python
state for one chunk. Here the decoder computes the attention probabilities of just the
guard's heads from the queries and keys it already has (``llama.py``), and the state is a
few tensors with one entry per chunk, compacted with the batch. Stock's "false start"
tracking changes no logits and is not reproduced.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

FORCE = float(2**15)  # stock's "safe for all dtypes >= 16 bit" logit magnitude


@dataclass(frozen=True)
class GuardRules:
    """The analyser's constants (chatterbox 0.1.7 values)."""

    heads: tuple[tuple[int, int], ...] = ((12, 15), (13, 11), (9, 2))
    """(layer, head) pairs whose attention is averaged (stock ``LLAMA_ALIGNED_HEADS``)."""
    jump_back: int = 4
    """A position may move back by less than this many text tokens per frame."""
    jump_forward: int = 7
    """... and forward by less than this many."""
    end_tokens: int = 3
    """Reaching the last ``end_tokens`` text tokens completes the alignment."""
    min_text: int = 5
    """The stop token is suppressed only for texts longer than this many tokens."""
    tail_frames: float = 5.0
    """Attention mass on the last tokens since completion that forces the stop (>=)."""
    repeat_mass: float = 5.0
    """Summed per-frame attention to earlier text since completion that forces it (>)."""
    repeat_skip: int = 5
    """The last this many text tokens are not counted as a repeat."""


class AlignmentGuard:
    """Per-chunk alignment state; ``step`` rewrites each chunk's guided logits.

    Protocol with the decoder: ``start(text_lengths, device)`` before the prefill (sets
    ``width``, the widest text), ``step(logits, attention, frame)`` on every step with the
    attention ``(chunks, queries, width)`` of that step's forward, ``record(tokens)`` with
    the sampled tokens, ``keep(indices)`` when finished chunks leave the batch.
    """

    def __init__(self, rules: GuardRules, *, stop_token: int, bos_token: int):
        self.rules = rules
        self.stop_token = stop_token
        self.bos_token = bos_token
        self.width = 0
        self.fired: torch.Tensor | None = None  # (chunks,) forced a stop at some step

    def start(self, text_lengths: list[int], device) -> None:
        n = len(text_lengths)
        self.width = max(text_lengths)
        self.length = torch.tensor(text_lengths, dtype=torch.long, device=device)
        self.position = torch.zeros(n, dtype=torch.long, device=device)
        self.complete = torch.zeros(n, dtype=torch.bool, device=device)
        self.tail = torch.zeros(n, 3, dtype=torch.float32, device=device)
        self.repeat = torch.zeros(n, dtype=torch.float32, device=device)
        self.last = torch.full((n,), self.bos_token, dtype=torch.long, device=device)
        self.before_last = torch.full((n,), -1, dtype=torch.long, device=device)
        self.fired = torch.zeros(n, dtype=torch.bool, device=device)
        self._ids = torch.arange(n, device=device)
        self._all_fired = self.fired

    def keep(self, keep: torch.Tensor) -> None:
        for name in ("length", "position", "complete", "tail", "repeat", "last", "before_last"):
            setattr(self, name, getattr(self, name)[keep])
        self._ids = self._ids[keep]

    @property
    def fired_chunks(self) -> list[int]:
        """Chunks (by their index in the batch) whose stop the guard forced."""
        return self._all_fired.nonzero().flatten().tolist() if self._all_fired is not None else []

    def record(self, tokens: torch.Tensor) -> None:
        self.before_last, self.last = self.last, tokens

    def step(
        self,
        logits: torch.Tensor,
        attention: torch.Tensor,
        frame: int,
        active: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """``logits`` ``(chunks, V)`` with the stop token suppressed or forced per chunk.

        ``active`` (chunks,) bool: chunks still decoding; a finished chunk kept in the batch
        (masked) is never counted as fired."""
        r = self.rules
        n, _, width = attention.shape
        dev = attention.device
        cols = torch.arange(width, device=dev)
        a = attention.float()
        valid = (cols[None, :] <= frame) & (cols[None, :] < self.length[:, None])
        a = a * valid[:, None, :]  # stock zeroes text columns beyond the frame index
        current = a[:, -1].argmax(dim=-1)
        jump = current - self.position
        moved = (jump > -r.jump_back) & (jump < r.jump_forward)
        self.position = torch.where(moved, current, self.position)

        was_complete = self.complete
        last_cols = (self.length[:, None] - 3 + torch.arange(3, device=dev)).clamp(min=0)
        tail_add = a.gather(2, last_cols[:, None, :].expand(n, a.size(1), 3)).sum(dim=1)
        earlier = cols[None, :] < (self.length - r.repeat_skip)[:, None]
        repeat_add = (a * earlier[:, None, :]).amax(dim=-1).sum(dim=-1)
        self.tail = self.tail + tail_add * was_complete[:, None]
        self.repeat = self.repeat + repeat_add * was_complete
        self.complete = was_complete | (self.position >= self.length - r.end_tokens)

        long_tail = self.complete & (self.tail.amax(dim=-1) >= r.tail_frames)
        repeated = self.complete & (self.repeat > r.repeat_mass)
        same_token = (self.last == self.before_last) if frame >= 2 else torch.zeros_like(moved)
        force = long_tail | repeated | same_token
        suppress = (current < self.length - r.end_tokens) & (self.length > r.min_text)

        logits = logits.clone()
        stop = self.stop_token
        logits[:, stop] = torch.where(
            suppress, torch.full_like(logits[:, stop], -FORCE), logits[:, stop]
        )
        forced = torch.full_like(logits, -FORCE)
        forced[:, stop] = FORCE
        self._all_fired[self._ids] |= force if active is None else force & active
        return torch.where(force[:, None], forced, logits)
