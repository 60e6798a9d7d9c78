"""Entry point for ``python -m crm`` and the ``crm`` console script."""

from __future__ import annotations

import sys


def main() -> None:
    from crm.startup import pause_collector

    pause_collector()
    from crm.cli import run

    sys.exit(run())


if __name__ == "__main__":
    main()
