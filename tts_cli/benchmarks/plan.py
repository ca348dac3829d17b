"""Planning speed: a 1 MB book, and a 10 MB line without punctuation.

Run ``python -m tts_cli.benchmarks.plan [--json] [--mb 1] [--line-mb 10] [--book-langs en,de]``.

Each book is one language's eval texts (``eval-data/texts/<lang>_*.txt``) repeated to
the size asked, each copy a chapter; without the eval data, generated
sentences are used. It is planned with its ``--lang`` and with ``--lang auto``
(language identification per paragraph). The target is at most 5 s for 1 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from tts_cli.text import Document, PlanOptions, Section, plan_document
from tts_cli.text.reader import sections_from_paragraphs, split_paragraphs

DEFAULT_TEXTS = Path(__file__).resolve().parents[3] / "shared" / "eval-data" / "texts"


def _generated(size: int) -> str:
    rng = random.Random(0)
    words = "the a of and to in was he she it that his her with as had for on but not".split()
    words += "house river morning letter window garden silence answer journey candle".split()
    paragraphs = []
    total = 0
    while total < size:
        sentences = []
        for _ in range(rng.randint(1, 6)):
            n = rng.randint(4, 30)
            s = " ".join(rng.choice(words) for _ in range(n))
            sentences.append(s[0].upper() + s[1:] + rng.choice([".", ".", ".", "!", "?"]))
        para = " ".join(sentences)
        paragraphs.append(para)
        total += len(para) + 2
    return "\n\n".join(paragraphs)


def build_book(megabytes: float, texts: Path = DEFAULT_TEXTS, lang: str = "en") -> Document:
    """About ``megabytes`` MB of ``lang`` prose as a ``Document`` with one chapter per copy."""
    size = int(megabytes * 1_000_000)
    sources = sorted(texts.glob(f"{lang}_*.txt")) if texts.is_dir() else []
    corpus = [p.read_text(encoding="utf-8") for p in sources] or [_generated(50_000)]
    sections: list[Section] = []
    total = 0
    i = 0
    while total < size:
        text = corpus[i % len(corpus)]
        for section in sections_from_paragraphs(split_paragraphs(text)):
            sections.append(Section(f"Copy {i + 1}: {section.title or 'text'}", section.paragraphs))
        total += len(text.encode("utf-8"))
        i += 1
    return Document("benchmark", None, tuple(sections), "benchmark")


def time_plan(doc: Document, options: PlanOptions) -> tuple[float, int]:
    start = time.perf_counter()
    plan = plan_document(doc, options)
    return time.perf_counter() - start, len(plan.chunks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0, help="book size in MB (default 1)")
    parser.add_argument(
        "--line-mb", type=float, default=10.0, help="no-punctuation line, MB (0 = skip)"
    )
    parser.add_argument(
        "--book-langs", default="en", help="books to time, by eval-text language: en,de,fr,es"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result: dict = {}
    for book in args.book_langs.split(","):
        doc = build_book(args.mb, lang=book)
        size = sum(len(p.encode("utf-8")) for p in doc.paragraphs)
        prefix = "book" if book == "en" else f"book_{book}"
        result[f"{prefix}_bytes"] = size
        for lang in (book, "auto"):
            seconds, chunks = time_plan(doc, PlanOptions(lang=lang))
            key = f"{prefix}_{'auto' if lang == 'auto' else lang}"
            result[f"{key}_s"] = round(seconds, 2)
            result[f"{key}_chunks"] = chunks
            if not args.json:
                print(
                    f"{size / 1e6:.2f} MB {book} book, --lang {lang}: {seconds:.2f} s, "
                    f"{chunks} chunks",
                    flush=True,
                )
    if args.line_mb > 0:
        word = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
        line = (word * int(args.line_mb * 1_000_000 / len(word) + 1))[
            : int(args.line_mb * 1_000_000)
        ]
        line_doc = Document("line", None, (Section(None, (line.strip(),)),), "line")
        seconds, chunks = time_plan(line_doc, PlanOptions(lang="en"))
        result["line_bytes"] = len(line)
        result["line_s"] = round(seconds, 2)
        result["line_chunks"] = chunks
        if not args.json:
            print(
                f"{len(line) / 1e6:.1f} MB line without punctuation: {seconds:.2f} s, {chunks} chunks"
            )
    if args.json:
        print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
