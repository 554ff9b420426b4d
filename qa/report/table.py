"""The default terminal report: a compact rich table of flagged segments, a summary line and
a pointer to the full report. Texts longer than `MAX_CHARS` are cut with an ellipsis; a
target that only repeats the source is shown once as "(untranslated: same as source)";
document segments show the lines of the files they came from ("L3-4")."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from qa.model import Result, SegmentResult

SEVERITY_STYLE = {"critical": "bold red", "major": "yellow", "minor": "dim"}
MAX_CHARS = 300
HINT = "see --format html -o report.html for every detail"


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
    found = ", ".join(
        f"{s.issues_by_severity[k]} {k}" for k in SEVERITY_STYLE if k in s.issues_by_severity
    )
    ignored = f", {s.ignored} ignored" if s.ignored else ""
    console.print(
        f"{s.flagged} of {s.segments} segments flagged "
        f"(threshold {s.flagging.threshold:.2f}, risk model {s.flagging.risk_model or 'none'}); "
        f"findings: {found or 'none'}{ignored}; MT: {s.mt}",
        highlight=False,
    )
    console.print(f"[dim]{HINT}[/]")


def _title(result: Result) -> str:
    s = result.summary.input
    level = f", {s['level']} level" if s.get("level") else ""
    return f"mtqa: segments flagged for review ({s.get('input', 'input')}{level})"


def _risk(r: SegmentResult) -> str:
    style = "bold red" if r.flagged else "green"
    return f"[{style}]{r.risk:.2f}[/]"


def _texts(r: SegmentResult) -> str:
    s = r.segment
    src, tgt = _label("src", s.source_lines), _label("tgt", s.target_lines)
    if s.source is not None and s.target is not None and _same(s.source, s.target):
        return f"{src} {_clip(s.source)}\n{tgt} [dim](untranslated: same as source)[/]"
    parts = [f"{src} {_clip(s.source)}", f"{tgt} {_clip(s.target)}"]
    if s.retranslation:
        parts.append(f"[cyan]mt [/] [dim]{_clip(s.retranslation)}[/]")
    return "\n".join(parts)


def _label(side: str, lines: tuple[int, int] | None) -> str:
    if lines is None:
        return f"[cyan]{side}[/]"
    first, last = lines
    return f"[cyan]{side}[/] [dim]L{first}{f'-{last}' if last != first else ''}[/]"


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split()) and bool(a.strip())


def _clip(text: str | None, limit: int = MAX_CHARS) -> str:
    """Escaped text, cut at `limit` characters with an ellipsis; a missing side as a dash."""
    if text is None:
        return "[dim]—[/]"
    if len(text) <= limit:
        return _esc(text)
    return f"{_esc(text[:limit].rstrip())}… [dim](+{len(text) - limit:,} chars)[/]"


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
