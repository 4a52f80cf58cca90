"""The Pulumi program: declares the desired state on each provider.

Only this package imports the provider SDKs. `infra/__main__.py` calls `run()`; `teamcat plan`
runs the same function on Pulumi's mock runtime.
"""
