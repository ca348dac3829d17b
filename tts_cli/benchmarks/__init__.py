"""Benchmark scripts whose figures go into issue notes."""
