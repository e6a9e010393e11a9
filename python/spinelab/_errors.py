"""spinelab's exceptions. The C++ library raises them with the messages the CLI prints."""

import re
from typing import List, NamedTuple, Optional, Sequence, Tuple


class Diagnostic(NamedTuple):
    """One problem: where (file and line, or the override that gave the value), key, message."""

    file: Optional[str]  #: the file it is in (None when not from a file)
    line: Optional[int]  #: its line in that file (None when unknown, or the value came from an override)
    key: Optional[str]   #: the key path or element, e.g. "load.0.body"
    message: str         #: the value, what is allowed and (where useful) a fix
    override: Optional[str] = None  #: the override ("key=value") that gave the value, if one did


def _diagnostic(where: str, key: str, message: str) -> Diagnostic:
    where = where or ""
    if where.startswith("--set"):  # "--set key=value (on FILE)", or "--set" for a malformed one
        m = re.fullmatch(r"--set (.*?)(?: \(on (.*)\))?", where)
        return Diagnostic(m.group(2) if m else None, None, key or None, message, m.group(1) if m else None)
    m = re.fullmatch(r"(.*):(\d+)", where)
    if m:
        return Diagnostic(m.group(1), int(m.group(2)), key or None, message)
    return Diagnostic(where or None, None, key or None, message)


class SpinelabError(Exception):
    """Base of spinelab's errors. str(e) is the CLI's message; e.diagnostics has every problem,
    and e.file, e.line, e.key (and e.override, for a value from an override) are those of the
    first one."""

    def __init__(self, message: str, diagnostics: Sequence[Tuple[str, str, str]] = ()):
        super().__init__(message)
        self.diagnostics: List[Diagnostic] = [_diagnostic(*d) for d in diagnostics]
        first = self.diagnostics[0] if self.diagnostics else Diagnostic(None, None, None, message)
        self.file: Optional[str] = first.file
        self.line: Optional[int] = first.line
        self.key: Optional[str] = first.key
        self.override: Optional[str] = first.override


class ScenarioError(SpinelabError):
    """A scenario that cannot be read or run: a missing file, a bad key or value (from the file or
    an override), a load on a body the model does not have, a posture that cannot settle."""


class ModelError(SpinelabError):
    """A spine model that cannot be read (a missing or invalid model file, a run without
    model_text)."""


class ResultsError(SpinelabError):
    """A results file that cannot be read or written (not a results file, no such run, an
    existing file without overwrite=True, a folder that cannot be written, a full disk)."""


class BatchError(SpinelabError):
    """A batch that cannot start (bad sweep, a study made by another batch, ...) or that stopped
    because a run's file could not be written."""
