"""Renderers: every output format takes the same Result."""

from qa.report.files import FORMATS, render, write_atomic

__all__ = ["FORMATS", "render", "write_atomic"]
