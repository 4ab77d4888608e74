"""Language data files and built artefacts that ship with hadath."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

RESOURCES = Path(str(files(__name__)))


def path(name: str) -> Path:
    """Path of a resource file shipped in the package."""
    return RESOURCES / name


@cache
def read_lines(name: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a text resource, stripped."""
    out = []
    with open(path(name), encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith("#"):
                out.append(line)
    return tuple(out)
