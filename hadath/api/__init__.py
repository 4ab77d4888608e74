"""hadath's HTTP API (FastAPI) and the dashboard it serves.

`create_app(store_url)` builds the ASGI application; `hadath serve` runs it
with uvicorn.  FastAPI is imported only here, never by `import hadath`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["create_app"]


def create_app(store_url: str, *, token: str | None = None, **options: Any) -> FastAPI:
    """Build the API application over the store at `store_url`.

    See `hadath.api.app.create_app` for the options.
    """
    from hadath.api.app import create_app as _create_app

    return _create_app(store_url, token=token, **options)
