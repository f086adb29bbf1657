"""``python -m nnlearn.playground [--port N] [--host H] [--no-browser]``: the playground in the browser."""

import argparse
import sys

from .launch import host_warning, run


def build_parser(parser=None):
    """The playground's options (``nnlearn playground`` adds them to its subcommand)."""
    parser = parser or argparse.ArgumentParser(prog="python -m nnlearn.playground",
                                               description="Train a network in the browser and watch it learn.")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on, 0 for a free one (default: %(default)s)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: %(default)s, this computer only; others warn)")
    parser.add_argument("--no-browser", action="store_true", help="do not open the page in the browser")
    return parser


def main(args=None):
    """Run the playground from parsed (or command-line) arguments; returns the exit status."""
    if args is None or isinstance(args, list):
        args = build_parser().parse_args(args)
    if not 0 <= args.port <= 65535:
        print(f"error: --port must be in 0..65535; got {args.port}", file=sys.stderr)
        return 2
    warning = host_warning(args.host)
    if warning:
        print(warning, file=sys.stderr)
    try:
        run(args.host, args.port, open_browser=not args.no_browser,
            on_ready=lambda url: print(f"nnlearn playground at {url} (Ctrl-C stops it)", file=sys.stderr, flush=True))
    except (ImportError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("nnlearn playground stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
