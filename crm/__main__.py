"""Entry point for ``python -m crm`` and the ``crm`` console script."""

from __future__ import annotations


def main() -> None:
    from crm.startup import finish, pause_collector

    pause_collector()
    from crm.cli import run

    finish(run())


if __name__ == "__main__":
    main()
