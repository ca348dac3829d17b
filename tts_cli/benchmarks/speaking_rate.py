"""Speaking-rate benchmark: espeak-ng speech per language against the planner's rates.

Run ``python -m tts_cli.benchmarks.speaking_rate [--json] [--data DIR] [--lang en,de]
[--per-lang N]``. Needs the ``espeak-ng`` program.

For each language it speaks up to ``--per-lang`` texts (default 40): the chunks the
planner makes of ``eval-data/texts/<lang>_*.txt`` and the paragraphs of
``eval-data/sbd-ud/<lang>.json`` (Universal Dependencies: news, wiki and fiction), in that
order, then the project's own sentences (``tts_cli.testing.sentences``) one by one and as
a paragraph. Every text is first made speakable (numbers spelled out), as the model gets
it. It reports, per language:

* ``chars_per_s``: espeak's own rate (median over texts of speakable characters per
  second of speech), next to the product's rate (``profile_chars_per_s``);
* ``ratio_*``: measured speech seconds / the product's expected seconds, its minimum,
  5th percentile, median, 95th percentile and maximum: the spread the duration check's
  tolerance has to allow for clean speech;
* ``silence_max_s``, ``trailing_noise_max_s``: the longest pause inside the speech and
  the most audible audio after it, over all texts: what the silence and noise checks
  must let through;
* ``slack_*_s``: the margin each text leaves to the duration check's bounds (the
  smallest over the texts; negative means a clean text would be flagged).

``eval-data/sbd/`` is left out: its cases are segmentation puzzles ("JFK Jr.'s book",
English sentences in the Danish file), not prose a narrator reads.

Durations come from ``tts_cli.quality.frames.analyse``, the same measurement the gate
uses, so the table calibrates the checks exactly as they run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from tts_cli.text.languages import SUPPORTED_LANGUAGES, expected_seconds, profile

DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "eval-data"
SAMPLE_RATE_HZ = 24000


def texts_for(lang: str, data: Path, limit: int) -> list[str]:
    """Up to ``limit`` speakable texts in ``lang`` (see the module docstring for sources)."""
    from tts_cli.text.normalize import speakable

    out: list[str] = []
    for raw in _raw_texts(lang, data):
        said = speakable(raw, lang)
        if len(said) >= 5:
            out.append(said)
        if len(out) >= limit:
            break
    return out


def _raw_texts(lang: str, data: Path) -> Iterator[str]:
    from tts_cli.testing.sentences import SENTENCES, paragraph

    for path in sorted((data / "texts").glob(f"{lang}_*.txt")):
        yield from _plan_chunks(path, lang)
    path = data / "sbd-ud" / f"{lang}.json"
    if path.is_file():
        for case in json.loads(path.read_text(encoding="utf-8")):
            yield case["text"]
    if lang in SENTENCES:
        yield from SENTENCES[lang]
        yield paragraph(lang)


def _plan_chunks(path: Path, lang: str) -> Iterator[str]:
    from tts_cli.text.document import Document, Section
    from tts_cli.text.plan import PlanOptions, plan_document

    raw = path.read_text(encoding="utf-8").split("\n\n")
    paragraphs = tuple(" ".join(p.split()) for p in raw if p.strip())[:60]
    section = Section(title=None, paragraphs=paragraphs)
    doc = Document(title=None, author=None, sections=(section,), source=str(path))
    for chunk in plan_document(doc, PlanOptions(lang=lang)).chunks:
        yield chunk.text


def measure(lang: str, texts: list[str]) -> dict:
    """The row of the table for ``lang``."""
    from tts_cli.quality.checks import GateOptions
    from tts_cli.quality.frames import analyse
    from tts_cli.quality.rates import duration_bounds
    from tts_cli.testing.espeak import speak

    o = GateOptions()
    rates, ratios, silences, tails, low, high = [], [], [], [], [], []
    for text in texts:
        analysis = analyse(speak(text, lang, sample_rate_hz=SAMPLE_RATE_HZ), SAMPLE_RATE_HZ)
        if analysis.speech_s <= 0:
            continue
        rates.append(len(text) / analysis.speech_s)
        ratios.append(analysis.speech_s / expected_seconds(text, lang))
        silences.append(analysis.longest_silence_s)
        tails.append(analysis.trailing_noise_s)
        shortest, longest = duration_bounds(
            expected_seconds(text, lang),
            min_ratio=o.min_ratio,
            max_ratio=o.max_ratio,
            short_slack_s=o.short_slack_s,
            long_slack_s=o.long_slack_s,
        )
        low.append(analysis.speech_s - shortest)
        high.append(longest - analysis.speech_s)
    if not ratios:
        return {"lang": lang, "texts": 0}
    q = statistics.quantiles(ratios, n=20, method="inclusive") if len(ratios) > 1 else ratios * 19
    return {
        "lang": lang,
        "texts": len(ratios),
        "chars_per_s": round(statistics.median(rates), 2),
        "profile_chars_per_s": profile(lang).chars_per_second,
        "ratio_min": round(min(ratios), 3),
        "ratio_p5": round(q[0], 3),
        "ratio_median": round(statistics.median(ratios), 3),
        "ratio_p95": round(q[-1], 3),
        "ratio_max": round(max(ratios), 3),
        "silence_max_s": round(max(silences), 2),
        "trailing_noise_max_s": round(max(tails), 2),
        "slack_short_s": round(min(low), 2),
        "slack_long_s": round(min(high), 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the table as JSON")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="eval-data folder")
    parser.add_argument("--lang", default="", help="comma-separated codes (default: all 23)")
    parser.add_argument("--per-lang", type=int, default=40, help="texts per language")
    args = parser.parse_args(argv)
    from tts_cli.testing.espeak import available

    if not available():
        print("espeak-ng is not installed; apt-get install espeak-ng", file=sys.stderr)
        return 2
    langs = [x for x in args.lang.split(",") if x] or list(SUPPORTED_LANGUAGES)
    start = time.perf_counter()
    rows = [measure(lang, texts_for(lang, args.data, args.per_lang)) for lang in langs]
    wall = time.perf_counter() - start
    if args.json:
        print(json.dumps({"rows": rows, "wall_s": round(wall, 1)}, ensure_ascii=False, indent=1))
        return 0
    cols = ("lang", "texts", "chars_per_s", "profile_chars_per_s", "ratio_min", "ratio_p5",
            "ratio_median", "ratio_p95", "ratio_max", "silence_max_s", "trailing_noise_max_s", "slack_short_s", "slack_long_s")  # fmt: skip
    print(" ".join(f"{c:>9.9}" for c in cols))
    for row in rows:
        print(" ".join(f"{row.get(c, ''):>9}" for c in cols))
    print(f"{wall:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
