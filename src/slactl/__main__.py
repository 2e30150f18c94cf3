"""``python -m slactl``: the same as the ``slactl`` command."""

from slactl.cli import run

if __name__ == "__main__":
    run()
