"""Renderers: every output format takes the same Result."""

from qa.report.files import FORMATS, render, render_parts, write_atomic

__all__ = ["FORMATS", "render", "render_parts", "write_atomic"]
