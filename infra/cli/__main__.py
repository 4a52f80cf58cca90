"""`python -m infra.cli`: the same as the `teamcat` command."""

from infra.cli.app import main

main()
