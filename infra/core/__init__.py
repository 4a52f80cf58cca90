"""The pure core: desired state, access and on-call computed from a catalog, with no Pulumi."""
