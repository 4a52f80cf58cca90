"""The `teamcat` command line: thin commands over the catalog, the core and the program."""
