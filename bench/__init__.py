"""The scale benchmark: synthetic organisations and the script that times teamcat on them.

`python bench/scale.py` is the entry point; `bench.generate` builds the catalogs it measures.
Nothing here is part of the `infra` package or runs in production.
"""
