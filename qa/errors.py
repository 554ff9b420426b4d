"""Errors a user can cause. The CLI prints them as one line and exits with code 2."""


class InputError(Exception):
    """Bad input or usage: unreadable file, mismatched line counts, unknown option value."""
