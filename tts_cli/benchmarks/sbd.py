"""Sentence-boundary benchmark: each library and ours, per language.

Run ``python -m tts_cli.benchmarks.sbd [--json] [--data DIR] [--lang en,de]``.

Boundary F1: a boundary is a sentence end as an offset in whitespace-free text
(so libraries that move or rewrite whitespace are scored alike), the end of
the text excluded; true/false positives are summed over all cases of a
language (micro F1). Data: ``eval-data/sbd-ud/<lang>.json`` (Universal
Dependencies gold sentences) and ``eval-data/sbd/en.json`` golden-rule cases
whose sentences occur verbatim in the text (exact match of the stripped
sentence lists).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from tts_cli.text.sentences import (
    DEFAULT_SEGMENTERS,
    SEGMENTERS,
    library_ends,
    sentence_ends,
    split_sentences,
)

DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "eval-data"
LIBRARIES = ("pysbd", "sentencex", "blingfire")


def _nonspace_offsets(text: str, ends: list[int]) -> set[int]:
    """Map character offsets in ``text`` to offsets in ``text`` with whitespace removed."""
    out = set()
    count = 0
    j = 0
    ends = sorted(ends)
    for i, ch in enumerate(text):
        while j < len(ends) and ends[j] == i:
            out.add(count)
            j += 1
        if not ch.isspace():
            count += 1
    total = count
    out.discard(total)
    out.discard(0)
    return out


def gold_boundaries(sentences: list[str]) -> set[int]:
    """Gold boundaries: cumulative non-whitespace lengths, the text end excluded."""
    out, count = set(), 0
    for s in sentences[:-1]:
        count += sum(1 for ch in s if not ch.isspace())
        out.add(count)
    out.discard(0)
    return out


def f1(tp: int, fp: int, fn: int) -> float:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


def score_ud(cases: list[dict], lang: str, backend: str | None, shortcut: bool = True) -> dict:
    """Micro boundary F1 of one segmenter (``None`` = ours) on UD cases."""
    tp = fp = fn = 0
    start = time.perf_counter()
    for case in cases:
        text = case["text"]
        gold = gold_boundaries(case["sentences"])
        if backend is None:
            ends = sentence_ends(text, lang, shortcut=shortcut)
        else:
            ends = library_ends(text, lang, backend)
        pred = _nonspace_offsets(text, ends)
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
    return {
        "f1": round(f1(tp, fp, fn), 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "seconds": round(time.perf_counter() - start, 2),
    }


def score_golden(cases: list[dict], lang: str, backend: str | None) -> dict:
    """Exact-match rate on golden-rule cases whose sentences are verbatim in the text."""
    cases = [c for c in cases if c.get("sentences_verbatim_in_text")]
    ok = 0
    failed = []
    for case in cases:
        text = case["text"]
        if backend is None:
            got = split_sentences(text, lang)
        else:
            ends = library_ends(text, lang, backend)
            starts = [0, *ends]
            got = [text[a:b].strip() for a, b in zip(starts, [*ends, len(text)], strict=False)]
            got = [s for s in got if s]
        want = [s.strip() for s in case["sentences"] if s.strip()]
        if got == want:
            ok += 1
        else:
            failed.append(case["id"])
    return {
        "exact": round(ok / len(cases), 4) if cases else None,
        "n": len(cases),
        "failed": failed,
    }


def _other_golden(sbd_dir: Path, quiet: bool) -> dict:
    """Exact match on ``sbd/<lang>.json`` for supported languages other than English."""
    from tts_cli.text.languages import SUPPORTED_LANGUAGES

    out = {}
    for path in sorted(sbd_dir.glob("*.json")):
        lang = path.stem
        if lang == "en" or lang not in SUPPORTED_LANGUAGES:
            continue
        cases = json.loads(path.read_text(encoding="utf-8"))
        row = {name or "ours": score_golden(cases, lang, name) for name in (*LIBRARIES, None)}
        out[lang] = row
        if not quiet:
            figures = "  ".join(f"{k} {v['exact']:.2f}" for k, v in row.items())
            print(f"golden {lang} ({row['ours']['n']} verbatim cases): {figures}")
    return out


def _grid(cases: list[dict], lang: str) -> dict[str, float]:
    """F1 of every (primary, supplement) pair: the measurement behind ``SEGMENTERS``."""
    saved = SEGMENTERS.get(lang)
    out = {}
    try:
        for primary in LIBRARIES:
            for supplement in (None, *LIBRARIES):
                if supplement == primary:
                    continue
                SEGMENTERS[lang] = (primary, supplement)
                out[f"{primary}+{supplement}"] = score_ud(cases, lang, None)["f1"]
    finally:
        if saved is None:
            SEGMENTERS.pop(lang, None)
        else:
            SEGMENTERS[lang] = saved
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="eval-data folder")
    parser.add_argument("--lang", default="", help="comma-separated languages (default: all)")
    parser.add_argument(
        "--grid", action="store_true", help="also score every (primary, supplement) pair"
    )
    parser.add_argument(
        "--other-golden",
        action="store_true",
        help="also score golden-rule cases of the other supported languages (small sets)",
    )
    parser.add_argument(
        "--no-shortcut", action="store_true", help="always run the primary library (check)"
    )
    args = parser.parse_args(argv)
    ud_dir = args.data / "sbd-ud"
    if not ud_dir.is_dir():
        print(f"no evaluation data at {ud_dir}", file=sys.stderr)
        return 1
    langs = [x for x in args.lang.split(",") if x] or sorted(p.stem for p in ud_dir.glob("*.json"))
    result: dict = {"ud_f1": {}, "golden_en": {}}
    for lang in langs:
        if not (ud_dir / f"{lang}.json").exists():
            continue
        cases = json.loads((ud_dir / f"{lang}.json").read_text(encoding="utf-8"))
        row = {"chosen": "+".join(filter(None, SEGMENTERS.get(lang, DEFAULT_SEGMENTERS)))}
        for lib in LIBRARIES:
            row[lib] = score_ud(cases, lang, lib)
        row["ours"] = score_ud(cases, lang, None, shortcut=not args.no_shortcut)
        if args.grid:
            row["grid"] = _grid(cases, lang)
        result["ud_f1"][lang] = row
        if not args.json:
            figures = "  ".join(f"{k} {row[k]['f1']:.4f}" for k in (*LIBRARIES, "ours"))
            print(f"{lang}: {figures}  (ours uses {row['chosen']})", flush=True)
            for pair, f in row.get("grid", {}).items():
                print(f"    {pair}: {f:.4f}")
    golden_path = args.data / "sbd" / "en.json"
    if golden_path.exists() and (not args.lang or "en" in langs):
        cases = json.loads(golden_path.read_text(encoding="utf-8"))
        for name in (*LIBRARIES, None):
            result["golden_en"][name or "ours"] = score_golden(cases, "en", name)
        if not args.json:
            for name, row in result["golden_en"].items():
                print(f"golden en ({row['n']} verbatim cases): {name} exact {row['exact']:.4f}")
            print("ours failed: " + " ".join(result["golden_en"]["ours"]["failed"]))
    if args.other_golden:
        result["golden_other"] = _other_golden(args.data / "sbd", quiet=args.json)
    if args.json:
        print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
