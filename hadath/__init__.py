"""hadath: structured, dated, geocoded events from Arabic news."""

from __future__ import annotations

__version__ = "0.1.0"

from hadath.pipeline import extract  # noqa: E402

__all__ = ["extract", "__version__"]
