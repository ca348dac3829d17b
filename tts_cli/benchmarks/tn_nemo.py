"""NeMo text-processing (WFST over pynini) on the text-normalisation eval set.

Run with a separate venv that has ``nemo-text-processing`` (never the product's)::

    PYTHONPATH=. /tmp/nemo-venv/bin/python -m tts_cli.benchmarks.tn_nemo \\
        --data ../shared/eval-data/tn --langs en de es fr it pt ru zh --cache-dir /tmp/nemo-cache

For each language it builds ``Normalizer(input_case="cased", lang=LANG, cache_dir=...)`` and
times grammar preparation (compile on an empty cache, else a load of the cached ``.far``
files), the load from cache afterwards, and the time per row. Each row of ``<lang>.tsv`` is
scored like ``score.py`` in that folder: right when ``lenient(output, nospace=True)`` equals
that of one of its ``~`` readings. NeMo's Russian grammar refuses ``deterministic=True``; then
the error is reported and the language is rerun with ``deterministic=False`` (NeMo's
shortest-path pick among the options), marked as such.

Only the standard library and NeMo are imported: nothing from torch, chatterbox or the rest of
tts_cli.
"""

from __future__ import annotations

import argparse
import collections
import json
import logging
import shutil
import sys
import time
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "eval-data" / "tn"
DEFAULT_LANGS = ("en", "de", "es", "fr", "it", "pt", "ru", "zh")

SENTENCES = {
    "en": "It cost $20.50 at 4:30 p.m. on 01.10.2010.",
    "de": "Am 3. Oktober 1990 kostete es 3,50 €, bis 1786.",
    "fr": "Le 1er mai, 3,50 € à 20 h 30, Louis XIV.",
    "es": "El 2º piso, 3,50 € a las 20:30, Felipe II.",
    "it": "Il 3 maggio alle 20:30, 3,50 €.",
    "pt": "Em 1º de maio, R$ 3,50 às 20h30.",
    "ru": "В 1990 году 2 книги стоили 150 руб.",
    "zh": "2023年5月4日上午9:30，增长15%。",
}


def lenient(s: str, lang: str, nospace: bool = False) -> str:
    """The comparison form of eval-data/tn/score.py, re-implemented identically.

    NFKC, lowercase, every Unicode punctuation character (category P*) to a space, spaces
    collapsed; ``nospace`` (and zh/ja always) removes every space.
    """
    s = unicodedata.normalize("NFKC", s).lower()
    s = "".join(" " if unicodedata.category(c).startswith("P") else c for c in s)
    return "".join(s.split()) if nospace or lang in ("zh", "ja") else " ".join(s.split())


@dataclass
class LangResult:
    """Figures for one language."""

    lang: str
    status: str = "ok"
    error: str = ""
    deterministic: bool = True
    rows: int = 0
    score: float = 0.0
    nospace: float = 0.0
    per_class: dict = field(default_factory=dict)
    cache_was_warm: bool = False
    prepare_s: float = 0.0
    load_cached_s: float = 0.0
    mean_s_per_row: float = 0.0
    max_s_per_row: float = 0.0
    row_errors: int = 0
    fails: dict = field(default_factory=dict)
    sentence: str = ""
    sentence_out: str = ""


def read_rows(path: Path) -> list[tuple[str, str, list[str]]]:
    """Rows of a ``class<TAB>input<TAB>expected`` file (header skipped), readings split on ``~``."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            cls, text, expected = line.rstrip("\n").split("\t")
            rows.append((cls, text, expected.split("~")))
    return rows


def _build(lang: str, cache_dir: str, deterministic: bool):
    from nemo_text_processing.text_normalization.normalize import Normalizer

    return Normalizer(
        input_case="cased", lang=lang, cache_dir=cache_dir, deterministic=deterministic
    )


def run_lang(lang: str, data: Path, cache_root: Path, fresh: bool, n_fails: int) -> LangResult:
    """Build NeMo's normaliser for ``lang`` and score every row of ``<lang>.tsv``."""
    res = LangResult(lang=lang, sentence=SENTENCES.get(lang, ""))
    cache_dir = cache_root / lang
    if fresh and cache_dir.exists():
        shutil.rmtree(cache_dir)
    res.cache_was_warm = cache_dir.exists() and any(cache_dir.glob("*.far"))
    t0 = time.perf_counter()
    try:
        norm = _build(lang, str(cache_dir), True)
    except Exception as exc:  # noqa: BLE001 - any failure is the figure
        res.error = f"{type(exc).__name__}: {exc}"
        try:
            t0 = time.perf_counter()
            norm = _build(lang, str(cache_dir), False)
            res.deterministic = False
        except Exception as exc2:  # noqa: BLE001
            res.status = "unsupported"
            res.error += f"; deterministic=False: {type(exc2).__name__}: {exc2}"
            return res
    norm.normalize("1")  # first use, inside the preparation time
    res.prepare_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    _build(lang, str(cache_dir), res.deterministic)
    res.load_cached_s = time.perf_counter() - t0

    per = collections.defaultdict(lambda: [0, 0, 0])
    fails = collections.defaultdict(list)
    times = []
    for cls, text, alts in read_rows(data / f"{lang}.tsv"):
        t0 = time.perf_counter()
        try:
            got = norm.normalize(text)
        except Exception as exc:  # noqa: BLE001
            got = text
            res.row_errors += 1
            fails["_errors"].append(f"{text!r}: {type(exc).__name__}: {exc}")
        times.append(time.perf_counter() - t0)
        ok = any(lenient(got, lang) == lenient(e, lang) for e in alts)
        ok_ns = any(lenient(got, lang, True) == lenient(e, lang, True) for e in alts)
        p = per[cls]
        p[0] += 1
        p[1] += ok
        p[2] += ok_ns
        if not ok_ns and len(fails[cls]) < n_fails:
            fails[cls].append(f"{text!r} -> {got!r}; want {alts[0]!r}")
    res.rows = sum(p[0] for p in per.values())
    res.score = sum(p[1] for p in per.values()) / res.rows
    res.nospace = sum(p[2] for p in per.values()) / res.rows
    res.per_class = {c: {"rows": r, "nospace": rn / r} for c, (r, _, rn) in sorted(per.items())}
    res.mean_s_per_row = sum(times) / len(times)
    res.max_s_per_row = max(times)
    res.fails = dict(fails)
    if res.sentence:
        try:
            res.sentence_out = norm.normalize(res.sentence)
        except Exception as exc:  # noqa: BLE001
            res.sentence_out = f"<error {type(exc).__name__}: {exc}>"
    return res


def print_result(r: LangResult) -> None:
    """Human-readable figures for one language."""
    if r.status != "ok":
        print(f"{r.lang}: unsupported ({r.error})")
        return
    mode = "" if r.deterministic else f"  [deterministic=False; {r.error}]"
    print(
        f"{r.lang} rows {r.rows}  score {r.score:.3f}  nospace {r.nospace:.3f}  "
        f"prepare {r.prepare_s:.1f}s ({'cache' if r.cache_was_warm else 'compile'})  "
        f"cached load {r.load_cached_s:.2f}s  {r.mean_s_per_row * 1000:.1f} ms/row "
        f"(max {r.max_s_per_row * 1000:.0f} ms)  errors {r.row_errors}{mode}"
    )
    for cls, v in r.per_class.items():
        print(f"  {cls:24} {v['rows']:4} rows  nospace {v['nospace']:.3f}")
        for f in r.fails.get(cls, []):
            print(f"      {f}")
    if r.sentence:
        print(f"  sentence: {r.sentence!r}\n       -> {r.sentence_out!r}")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--langs", nargs="+", default=list(DEFAULT_LANGS))
    ap.add_argument("--cache-dir", type=Path, default=Path("/tmp/nemo-cache"))
    ap.add_argument("--fresh", action="store_true", help="delete each language's cache first")
    ap.add_argument("--fails", type=int, default=3, help="failures to show per class")
    ap.add_argument("--json", type=Path, help="also write all figures to this JSON file")
    a = ap.parse_args(argv)
    logging.getLogger("NeMo-text-processing").setLevel(logging.ERROR)
    results = []
    for lang in a.langs:
        r = run_lang(lang, a.data, a.cache_dir, a.fresh, a.fails)
        print_result(r)
        sys.stdout.flush()
        results.append(r)
    if a.json:
        a.json.write_text(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
