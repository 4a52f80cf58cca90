"""Resource options shared by every provider module: aliases for renames, protection."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi

from infra.core.names import resource_name


def renamed(
    kind: str, old_keys: Sequence[str], *rest: str, protect: bool = False
) -> pulumi.ResourceOptions:
    """Options that keep a resource across catalog key renames (`renamed_from`).

    `rest` are the name parts after the key. Each earlier key becomes an alias, so Pulumi
    moves the resource to its new name instead of deleting and recreating it.
    """
    aliases: list[str | pulumi.Alias] = [
        pulumi.Alias(name=resource_name(kind, old, *rest)) for old in old_keys
    ]
    return pulumi.ResourceOptions(aliases=aliases, protect=protect)
