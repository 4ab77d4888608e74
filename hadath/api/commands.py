"""The `hadath serve` subcommand (registered by hadath.cli)."""

from __future__ import annotations

import argparse
import os
import sys

DEFAULT_DB = "sqlite:///hadath.db"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `serve` to the CLI's subcommands."""
    p = subparsers.add_parser(
        "serve", help="serve the store over HTTP: the API, its docs and the dashboard",
        description="Serve the store: the JSON API (docs at /docs) and the dashboard at /. "
                    "Writing (POST /articles) needs HADATH_TOKEN to be set; it is then "
                    "the bearer token clients must send.")
    p.add_argument("--db", default=os.environ.get("HADATH_DB", DEFAULT_DB), metavar="URL",
                   help="store URL (default: $HADATH_DB or %(default)s)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default: %(default)s, this machine only; "
                        "use 0.0.0.0 to serve others, ideally behind a TLS proxy)")
    p.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    p.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                   help="allow browser calls from this origin (repeatable; default none)")
    p.add_argument("--workers", type=int, default=1,
                   help="server processes (default: %(default)s)")
    p.add_argument("--log-level", default="info",
                   choices=["critical", "error", "warning", "info", "debug"])
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn
    except ImportError:
        print("hadath serve needs the API extras: pip install 'hadath[api]'", file=sys.stderr)
        return 2
    if args.host not in ("127.0.0.1", "localhost", "::1") and not os.environ.get("HADATH_TOKEN"):
        print(f"hadath: serving on {args.host} to other machines; the API is read-only "
              "(set HADATH_TOKEN to enable writing)", file=sys.stderr)
    # Settings travel by environment so that `--workers N` processes, which
    # import the app by name, build the same app.
    os.environ["HADATH_DB"] = args.db
    if args.cors_origin:
        os.environ["HADATH_CORS_ORIGINS"] = ",".join(args.cors_origin)
    uvicorn.run("hadath.api.commands:app_from_env", factory=True, host=args.host,
                port=args.port, workers=args.workers, log_level=args.log_level,
                server_header=False, proxy_headers=False)
    return 0


def app_from_env():  # noqa: ANN201 - FastAPI imported lazily
    """App factory for uvicorn: settings from HADATH_DB/HADATH_TOKEN/HADATH_CORS_ORIGINS."""
    from hadath.api.app import create_app

    origins = [o for o in os.environ.get("HADATH_CORS_ORIGINS", "").split(",") if o]
    return create_app(os.environ.get("HADATH_DB", DEFAULT_DB), cors_origins=origins or None)
