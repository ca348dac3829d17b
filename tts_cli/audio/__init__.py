"""Streaming audiobook assembly: trim, crossfade, pause, loudness, encode, subtitles.

Usage (the with-block calls ``close()`` on success and discards everything on an exception)::

    options = AssemblyOptions(title="Book", author="Me")
    check_output("book.m4b", options)  # before any model loads
    with Assembler("book.m4b", options, 24000, chapters=plan.chapters) as book:
        for chunk, audio in zip(plan.chunks, engine.synthesize(plan.chunks)):
            book.add(audio.audio, chunk.pause_after, chunk.text)
    result = book.result  # AssemblyResult: duration, loudness, chapter and chunk times
"""

from .assembler import Assembler, AssemblyResult, ChapterMark, ChunkPlacement, Join
from .formats import SAMPLE_FORMATS, SUPPORTED_FORMATS
from .options import PAUSE_KINDS, AssemblyOptions, check_output

__all__ = [
    "Assembler",
    "AssemblyOptions",
    "AssemblyResult",
    "ChapterMark",
    "ChunkPlacement",
    "Join",
    "PAUSE_KINDS",
    "SAMPLE_FORMATS",
    "SUPPORTED_FORMATS",
    "check_output",
]
