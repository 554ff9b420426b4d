"""mtqa: machine-translation quality checking for Japanese→English."""

from qa.api import check
from qa.model import Issue, Result, Segment, SegmentResult

__all__ = ["check", "Issue", "Result", "Segment", "SegmentResult"]
__version__ = "0.1.0"
