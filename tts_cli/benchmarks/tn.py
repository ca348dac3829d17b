"""Text-normalisation benchmark: ``speakable`` on the written -> spoken pairs, per language and class.

Run ``python -m tts_cli.benchmarks.tn [--data DIR] [--lang en,de] [--json]``.

The data is ``eval-data/tn/<lang>.tsv`` (``class<TAB>input<TAB>expected``, readings separated
by ``~``); its README describes it. Scoring follows it: a row is right when the output equals
one reading after NFKC, lower-casing, punctuation to spaces and collapsing spaces (``lenient``;
all spaces removed for zh/ja); ``nospace`` also ignores every space and is the figure the
project is held to. Prints a markdown table (class rows, language columns) or JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

from tts_cli.text.normalize import speakable

DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "eval-data" / "tn"
LANGUAGES = ("en", "de", "es", "fr", "it", "pt", "ru", "zh")


def lenient(text: str, lang: str, nospace: bool = False) -> str:
    """The comparison form of the data's README."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(" " if unicodedata.category(c).startswith("P") else c for c in text)
    return "".join(text.split()) if nospace or lang in ("zh", "ja") else " ".join(text.split())


def score_language(path: Path, lang: str) -> dict:
    """{"classes": {class: {"rows", "lenient", "nospace"}}, "overall": {...}, "seconds"}."""
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    start = time.perf_counter()
    with path.open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            cls, text, expected = line.rstrip("\n").split("\t")
            got = speakable(text, lang)
            alts = expected.split("~")
            row = per[cls]
            row[0] += 1
            row[1] += any(lenient(got, lang) == lenient(e, lang) for e in alts)
            row[2] += any(lenient(got, lang, True) == lenient(e, lang, True) for e in alts)
    seconds = time.perf_counter() - start

    def figures(rows: int, ok: int, ok_ns: int) -> dict:
        return {"rows": rows, "lenient": round(ok / rows, 3), "nospace": round(ok_ns / rows, 3)}

    classes = {cls: figures(*row) for cls, row in sorted(per.items())}
    total = [sum(r[i] for r in per.values()) for i in range(3)]
    return {"classes": classes, "overall": figures(*total), "seconds": round(seconds, 2)}


def markdown(results: dict[str, dict]) -> str:
    """Class rows x language columns of ``nospace`` accuracy, with an overall row."""
    langs = list(results)
    classes = sorted({c for r in results.values() for c in r["classes"]})
    lines = ["| class | " + " | ".join(langs) + " |", "|---|" + "---:|" * len(langs)]
    for cls in classes:
        cells = []
        for lang in langs:
            row = results[lang]["classes"].get(cls)
            cells.append(f"{row['nospace']:.2f} ({row['rows']})" if row else "")
        lines.append(f"| {cls} | " + " | ".join(cells) + " |")
    overall = [f"**{results[lang]['overall']['nospace']:.3f}**" for lang in langs]
    lines.append("| **overall** | " + " | ".join(overall) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of <lang>.tsv")
    parser.add_argument("--lang", default=",".join(LANGUAGES), help="comma-separated languages")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    results = {}
    for lang in filter(None, args.lang.split(",")):
        path = args.data / f"{lang}.tsv"
        if not path.is_file():
            print(f"no {path}; pass --data DIR (the eval-data/tn folder)", file=sys.stderr)
            return 2
        results[lang] = score_language(path, lang)
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        print(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
