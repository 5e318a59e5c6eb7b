"""User-facing failures: one clear line and a documented exit code, never a traceback."""
from __future__ import annotations

# Exit codes of `extract` (documented in the README).
EXIT_OK = 0
EXIT_SOME_FAILED = 1    # extract bulk: at least one input failed (reasons in the summary and the store)
EXIT_USAGE = 2          # bad command line (typer's own code)
EXIT_UNREADABLE = 3     # file missing or unreadable
EXIT_CORRUPT = 4        # empty, truncated or junk: not a PDF, image or text rendering we can read
EXIT_ENCRYPTED = 5      # password-protected PDF
EXIT_NOT_A_FORM = 6     # readable, but not a Form 3/4/5 this tool has a template for
EXIT_INTERNAL = 7       # a bug: please report it with the input


class ExtractError(Exception):
    """An input that cannot be turned into a record. `code` is the issue code in the output."""

    exit_code = EXIT_CORRUPT
    code = "unreadable_input"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnreadableInput(ExtractError):
    exit_code = EXIT_UNREADABLE
    code = "file_unreadable"


class CorruptInput(ExtractError):
    exit_code = EXIT_CORRUPT
    code = "corrupt_input"


class EncryptedInput(ExtractError):
    exit_code = EXIT_ENCRYPTED
    code = "encrypted_pdf"


class NotAForm(ExtractError):
    exit_code = EXIT_NOT_A_FORM
    code = "not_a_supported_form"


# Failures only a batch run sees (extract bulk): the file itself may be fine.
class TimedOut(ExtractError):
    exit_code = EXIT_INTERNAL
    code = "timeout"


class WorkerCrashed(ExtractError):
    exit_code = EXIT_INTERNAL
    code = "worker_crashed"


class InternalError(ExtractError):
    exit_code = EXIT_INTERNAL
    code = "internal_error"


class ArchiveUnreadable(ExtractError):
    """A zip/tar (or one of its members) that cannot be read: corrupt, truncated, encrypted, nested."""
    exit_code = EXIT_CORRUPT
    code = "archive_unreadable"


class TooLarge(ExtractError):
    exit_code = EXIT_CORRUPT
    code = "too_large"
