#!/usr/bin/env python3
"""Set up Loupe if needed, then serve it (or write a static build).

    python3 serve.py                 # http://127.0.0.1:8000
    python3 serve.py --port 9000 --host 0.0.0.0
    python3 serve.py --build dist    # a static site for any static host
    python3 serve.py --setup-only    # install vendored dependencies and stop

The first run installs the browser dependencies from package-lock.json and
wheels.lock (npm and pip, nothing else); later runs skip that step and start
serving at once without touching the network.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools import httpd, site, vendor


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    try:
        vendor.ensure_vendor()
    except vendor.SetupError as error:
        print(f"Setup failed: {error}", file=sys.stderr)
        return 1
    if args.setup_only:
        return 0
    if args.build:
        count = site.build(Path(args.build).resolve())
        print(f"Wrote {count} files to {args.build}/ — serve that folder from any static host.")
        return 0
    try:
        server = httpd.make_server(args.host, args.port, verbose=args.verbose)
    except OSError as error:
        print(
            f"Cannot listen on {args.host}:{args.port}: {error.strerror}. Choose another port with --port.",
            file=sys.stderr,
        )
        return 1
    print(f"Loupe is running at http://{args.host}:{server.server_address[1]}/ (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Serve Loupe locally.")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; service workers need 127.0.0.1, localhost or https)",
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    parser.add_argument("--build", metavar="DIR", help="write a static site to DIR instead of serving")
    parser.add_argument("--setup-only", action="store_true", help="install dependencies, then exit")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
