"""Ownership and access rules: plain functions shared by the policy pack, the CLI and the tests.

Catalog rules read the resolved `DesiredState` and report catalog paths through `CatalogPaths`
(the loader's source map plus the catalog's order). Resource rules read one declared resource
as CrossGuard hands it to a policy: its type, its inputs (camelCase) and its name. Nothing here
imports Pulumi; `policies/__main__.py` wraps `registry.RULES` into a CrossGuard pack.
"""
