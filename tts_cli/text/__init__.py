"""Text planning: books in; sentences, chunks and token budgets out. No torch, no model.

    doc = read_document("book.epub")            # or "-" for stdin
    plan = plan_document(doc, PlanOptions(lang="auto"))
    for chunk in plan.chunks: ...               # .text .language .max_new_tokens .pause_after

``split_sentences(text, lang)`` is a stable public function.
"""

from tts_cli.text.document import Document, Section
from tts_cli.text.languages import PROFILES, SUPPORTED_LANGUAGES, LanguageProfile, check_language
from tts_cli.text.normalize import speakable
from tts_cli.text.plan import (
    MODEL_MAX_NEW_TOKENS,
    Chapter,
    Chunk,
    Plan,
    PlanOptions,
    plan_document,
    token_budget,
    verify_options,
)
from tts_cli.text.reader import read_document
from tts_cli.text.sentences import split_sentences

__all__ = [
    "MODEL_MAX_NEW_TOKENS",
    "PROFILES",
    "SUPPORTED_LANGUAGES",
    "Chapter",
    "Chunk",
    "Document",
    "LanguageProfile",
    "Plan",
    "PlanOptions",
    "Section",
    "check_language",
    "plan_document",
    "read_document",
    "speakable",
    "split_sentences",
    "token_budget",
    "verify_options",
]
