"""Streaming audiobook assembly: trim, crossfade, pause, loudness, encode, subtitles.

    from tts_cli.audio import Assembler, AssemblyOptions, check_output

    options = AssemblyOptions(title="Book", author="Me")
    check_output("book.m4b", options)          # before any model loads
    with Assembler("book.m4b", options, 24000, chapters=[("One", 0)]) as book:
        for chunk in audio_chunks:
            book.add(chunk.audio, chunk.pause_after, chunk.text)
    result = book.close()  # or leave the with-block: close() runs there, result on book.result
"""

from .assembler import AssemblyResult, Assembler, ChapterMark, ChunkPlacement, Join
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
