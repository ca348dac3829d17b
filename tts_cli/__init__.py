"""ttsgen: long texts to audiobooks with an optimised Chatterbox TTS engine."""

__version__ = "0.1.0"
