"""Pulumi's entry point (`main: infra/`).

Pulumi runs this file with runpy, so it uses absolute imports only. The project is installed
into Pulumi's virtualenv from requirements.txt (`-e .`); the path fallback covers a checkout
where it is not.
"""

import sys
from pathlib import Path

try:
    from infra.program.main import run
except ModuleNotFoundError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from infra.program.main import run

run()
