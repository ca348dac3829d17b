"""Domain errors. Each carries the problem and the fix; the CLI prints them on one line."""

from __future__ import annotations


class TtsgenError(Exception):
    """An error the user can act on: ``problem`` says what is wrong, ``fix`` what to do."""

    exit_code = 1

    def __init__(self, problem: str, fix: str | None = None) -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(f"{problem}; {fix}" if fix else problem)


class InputError(TtsgenError):
    """The input text or book cannot be read or has nothing to say."""

    exit_code = 2


class OptionError(TtsgenError):
    """An option value is invalid or the options contradict each other."""

    exit_code = 2


class OutputError(TtsgenError):
    """The output cannot be written where or how it was asked."""

    exit_code = 3


class ModelError(TtsgenError):
    """The model folder, download or voice cannot be loaded."""

    exit_code = 4


class DeviceError(TtsgenError):
    """The requested compute device is not available."""

    exit_code = 5
