"""The default terminal report: a rich table of flagged segments and a summary line."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from qa.model import Result, SegmentResult

SEVERITY_STYLE = {"critical": "bold red", "major": "yellow", "minor": "dim"}


def print_table(result: Result, console: Console, show_all: bool = False) -> None:
    rows = [r for r in result.segments if show_all or r.flagged]
    table = Table(title=_title(result), show_lines=True, expand=True)
    table.add_column("id", no_wrap=True)
    table.add_column("risk", justify="right", no_wrap=True)
    table.add_column("source / target", ratio=3, overflow="fold")  # CJK has no spaces to wrap at
    table.add_column("why", ratio=2)
    for r in rows:
        table.add_row(r.segment.id, _risk(r), _texts(r), _why(r))
    console.print(table)
    s = result.summary
    console.print(
        f"{s.flagged} of {s.segments} segments flagged "
        f"(threshold {s.flagging.threshold:.2f}, risk model {s.flagging.risk_model or 'none'}); "
        f"MT: {s.mt}"
    )


def _title(result: Result) -> str:
    s = result.summary.input
    level = f", {s['level']} level" if s.get("level") else ""
    return f"mtqa: segments flagged for review ({s.get('input', 'input')}{level})"


def _risk(r: SegmentResult) -> str:
    style = "bold red" if r.flagged else "green"
    return f"[{style}]{r.risk:.2f}[/]"


def _texts(r: SegmentResult) -> str:
    s = r.segment
    parts = [
        f"[cyan]src[/] {_esc(s.source) if s.source is not None else '[dim]—[/]'}",
        f"[cyan]tgt[/] {_esc(s.target) if s.target is not None else '[dim]—[/]'}",
    ]
    if s.retranslation:
        parts.append(f"[cyan]mt [/] [dim]{_esc(s.retranslation)}[/]")
    return "\n".join(parts)


def _why(r: SegmentResult) -> str:
    """Critical and major findings, then the model's reasons; minor findings only counted."""
    shown = [i for i in r.issues if i.severity != "minor"]
    lines = [f"[{SEVERITY_STYLE[i.severity]}]{i.severity}[/] {_esc(i.message)}" for i in shown]
    lines += [_esc(x) for x in r.evidence]
    minor = len(r.issues) - len(shown)
    if minor:
        lines.append(f"[dim]+{minor} minor finding{'s' * (minor > 1)} (in --format json)[/]")
    return "\n".join(dict.fromkeys(lines))


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)
