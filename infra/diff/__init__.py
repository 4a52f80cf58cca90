"""The access diff: who gains or loses what between two catalogs, risky changes first.

A pure package (no Pulumi import): `compute_diff` compares two resolved `DesiredState`s, and
the renderers turn the result into text for a terminal, Markdown for a pull-request comment or
JSON that follows `diff.schema.json`. `source` reads a catalog from a file or from git.
"""

from infra.diff.compute import DEFAULT_THRESHOLD, compute_diff
from infra.diff.model import AccessDiff

__all__ = ["DEFAULT_THRESHOLD", "AccessDiff", "compute_diff"]
