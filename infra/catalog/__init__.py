"""The catalog: its typed model, the YAML reader that keeps positions, and its checks."""
