"""How long a chunk should take to say, and how far from that a take may be.

Unit: characters per second
---------------------------
The rate is in *speakable characters* per second (spaces and punctuation included), the
number the planner already counts for every chunk, in every script, with no per-language
syllabifier. Syllables per second vary less between languages (~5-7 everywhere), but
counting them needs a syllabifier per language (English spelling, Arabic and Hebrew
without vowels, kanji readings); characters per language absorb that difference into one
number per language. The rates live in the language profiles
(``tts_cli.text.languages``, ``chars_per_second``), and ``expected_seconds`` there is
the one estimate used by the planner's token budgets, its duration estimate, ``--dry-run``
and the gate's duration check; this module re-exports it.

The product's rates are narration rates, not any synthesiser's: English audiobooks are
read at ~150-160 words per minute (the profile's 15 chars/s is 155 wpm at 5.8 characters
per word with its space), and the other languages follow the same reasoning (see the
profile module's docstring).

Duration bounds, calibrated on espeak-ng
----------------------------------------
A take is ``too_short`` when its speech lasts less than ``min_ratio x expected -
short_slack_s`` and ``too_long`` above ``max_ratio x expected + long_slack_s``.
espeak-ng speaks all 23 languages at its own pace, faster than a narrator in some
(French 20 chars/s against the profile's 14.5) and slower in others (Arabic, Swahili), so
its speech tells us how far a *clean* take of a text can land from the prediction when
the voice's pace and the text's mix of sounds and punctuation differ: measured by
``python -m tts_cli.benchmarks.speaking_rate`` on the evaluation texts (planner chunks of
the Gutenberg texts, Universal Dependencies paragraphs, the project's sentences), the
ratio of speech seconds to expected seconds runs from 0.64 (French) to 1.26 (Arabic) over
21 languages (Chinese left out: espeak reads tone digits aloud; Japanese, spoken in kana,
is 0.92-1.07 on prose but up to 1.73 on kanji-dense news, whose characters carry two or
three morae each: those would be flagged ``too_long``, and their token budgets are tight
too; a mora-based estimate for Japanese is not done). Hence:

* ``min_ratio = 0.5``: 22 % under the fastest clean language; a take that lost half its
  words at the narration rate is flagged (half of an English espeak take is at 0.40);
* ``max_ratio = 1.4`` and ``long_slack_s = 1.0``: just under the token budget, which
  allows ``1.5 x expected + 1 s`` of audio (``tts_cli.text.plan``). A higher bound could
  never be reached, since no take is longer than its budget; this one catches a take
  that stopped but spent nearly all of its budget babbling or repeating, and it clears
  every clean espeak text by at least 0.5 s;
* ``short_slack_s = 0.5``: a one-word chunk's prediction is too rough to call a 0.6 s
  take short.

Three times the expected length is flagged for any text; a take cut to half is flagged in
the languages espeak reads at or faster than a narrator (English, French, German,
Spanish, Italian, Portuguese, Russian, Danish, ...) but not by duration alone in those it
reads slower (Arabic, Swahili, at times Finnish and Turkish: half of their espeak takes
sits at 0.5-0.63); a model's real cut is also a take that ran out of budget
(``no_stop_token``).
"""

from __future__ import annotations

from tts_cli.text.languages import expected_seconds

__all__ = ["expected_seconds", "duration_bounds"]


def duration_bounds(
    expected_s: float,
    *,
    min_ratio: float,
    max_ratio: float,
    short_slack_s: float,
    long_slack_s: float,
) -> tuple[float, float]:
    """Shortest and longest speech (seconds) a clean take of ``expected_s`` may have."""
    return (
        max(0.0, min_ratio * expected_s - short_slack_s),
        max_ratio * expected_s + long_slack_s,
    )
