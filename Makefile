# The two commands of the README. Each sets up what is missing first (scripts/setup.sh).
.PHONY: build test setup lint typecheck bench

setup:
	@scripts/setup.sh

build: setup
	.venv/bin/handout-kit build

test: setup
	.venv/bin/python -m pytest

lint: setup
	.venv/bin/ruff check src tests benchmarks && .venv/bin/ruff format --check src tests benchmarks

typecheck: setup
	.venv/bin/mypy

bench: setup
	.venv/bin/python benchmarks/run.py
