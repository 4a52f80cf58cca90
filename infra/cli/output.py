"""Where the CLI writes: results to stdout, diagnostics to stderr, Rich only on a terminal."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console

LOGGER = logging.getLogger("teamcat")

# Exit codes scripts can rely on.
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # A reader that stops early (`teamcat plan | head`) is not an error of the command.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(EXIT_OK)


def _soft(stream: TextIO | None) -> bool:
    # Not a terminal (a CI log, a pipe, or a closed stream): never wrap, keep lines whole.
    return stream is None or not stream.isatty()


def stdout() -> Console:
    """A console for results: colour on a terminal, plain text in CI logs and pipes."""
    return _Console(file=sys.stdout, highlight=False, emoji=False, soft_wrap=_soft(sys.stdout))


def stderr() -> Console:
    return Console(file=sys.stderr, highlight=False, emoji=False, soft_wrap=_soft(sys.stderr))


def configure_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("teamcat: %(levelname)s: %(message)s"))
    LOGGER.handlers[:] = [handler]
    LOGGER.setLevel(logging.DEBUG if verbose else logging.WARNING)
    LOGGER.propagate = False


@contextmanager
def progress(message: str) -> Iterator[None]:
    """A spinner on stderr while long work runs; a single log line when stderr is no terminal."""
    console = stderr()
    if console.is_terminal:
        with console.status(message):
            yield
    else:
        LOGGER.info("%s", message)
        yield
