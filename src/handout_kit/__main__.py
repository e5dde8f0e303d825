"""`python -m handout_kit`: the same as the `handout-kit` command."""

from .cli import main

main()
