"""Errors a user can cause. The CLI prints them as one line and exits with code 2 (130 for
an interruption)."""


class InputError(Exception):
    """Bad input or usage: unreadable file, mismatched line counts, unknown option value."""


class Interrupted(Exception):
    """Ctrl-C, said as how far the work got and what was kept."""
