# The two commands of the README. Each sets up what is missing first (scripts/setup.sh).
.PHONY: build test setup lint typecheck bench messages

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

# Fixed words: extract them from the code and templates into the .pot file, then bring every
# language's .po file up to date (new entries empty, for the translator; each file keeps its header,
# whose Plural-Forms the plurals follow). See docs/translating.md.
LOCALE := src/handout_kit/locale
messages: setup
	.venv/bin/pybabel extract -F babel.cfg -k label:1c,2 -k plural_label:1c,2,3 --no-location \
	  --sort-output --omit-header -o $(LOCALE)/handout_kit.pot .
	.venv/bin/pybabel update -D handout_kit -i $(LOCALE)/handout_kit.pot -d $(LOCALE) \
	  --no-fuzzy-matching --ignore-obsolete --width 100
