"""Readers (one per input format) that yield Segments, and encoding detection."""
