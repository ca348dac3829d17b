"""What a Ray run reports: its progress over every book, the overall line printed with
each finished book, and the ``cluster`` totals of the JSON summary."""

from __future__ import annotations

import time


def progress(books, total: int, speech_seconds: float, since: float, to_make: int):
    """The run's ``Progress`` over all ``books`` (their ``done``/``made``/``reused``)."""
    from tts_cli.pipeline import Progress

    return Progress(
        sum(b.done for b in books),
        total,
        speech_seconds,
        time.perf_counter() - since,
        chunks_reused=sum(b.reused for b in books),
        chunks_made=sum(b.made for b in books),
        chunks_to_make=to_make,
    )


def overall_line(p) -> str:
    """``9120/160000 chunks, 38.10 h audio made, 512.3x realtime, ETA 4:51:02``."""
    eta = p.eta_seconds
    eta_text = "-" if eta is None else f"{int(eta // 60)}:{int(eta % 60):02d}"
    speed = f"{p.audio_seconds / p.wall_seconds:.1f}x realtime" if p.wall_seconds else "-"
    return (
        f"{p.chunks_done}/{p.chunks_total} chunks, {p.audio_seconds / 3600:.2f} h audio "
        f"made, {speed}, ETA {eta_text}"
    )


def cluster_totals(
    *,
    address: str,
    workers: int,
    gpus_per_worker: float,
    info: dict,
    pids: list[set],
    books,
    speech_seconds: float,
    results: list[dict],
    wall: float,
) -> dict:
    """The summary's ``cluster`` object (books per hour per GPU when workers hold GPUs)."""
    audio = sum(r["audio_seconds"] for r in results)
    totals = {
        "address": address,
        "workers": workers,
        "gpus_per_worker": gpus_per_worker,
        "device": info["device"],
        "nodes": len({info["host"]}),
        "worker_restarts": sum(max(0, len(p) - 1) for p in pids),
        "chunks_synthesized": sum(b.made for b in books),
        "speech_seconds": round(speech_seconds, 3),
        "audio_hours": round(audio / 3600, 4),
        "x_realtime": round(audio / wall, 3) if wall else None,
        "books_per_hour": round(len(results) / wall * 3600, 2) if wall else None,
    }
    if gpus_per_worker:
        gpus = workers * gpus_per_worker
        totals["books_per_hour_per_gpu"] = round(totals["books_per_hour"] / gpus, 2)
    return totals
