"""Model loading and speech synthesis engines.

Importing this package is cheap; torch and chatterbox load when a function needs them.
"""
