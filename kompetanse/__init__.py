"""Entry point package: the `kompetanse` command."""
