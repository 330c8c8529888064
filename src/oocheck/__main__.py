"""The entry point of `python -m oocheck` and of the `oocheck` console script.

It imports the command line itself, inside the `try`: a Ctrl-C while the heavy imports are still
running must end with one line and status 130, not a traceback.
"""

from __future__ import annotations

import importlib
import sys

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl-C


def main() -> None:
    try:
        cli = importlib.import_module("oocheck.cli")
    except KeyboardInterrupt:
        sys.stderr.write("oocheck: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    cli.main()


if __name__ == "__main__":
    main()
