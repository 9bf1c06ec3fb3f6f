# The two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed-stamp

.PHONY: demo test bench lint eval clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,eval]'
	touch $(STAMP)

## Run the whole pipeline on the bundled demo feeds (SQLite, local feed server, digest in the terminal).
demo: $(STAMP)
	$(BIN)/diplobot demo

## Run every test, on SQLite and on PostgreSQL (127.0.0.1:5432, database test).
test: $(STAMP)
	$(BIN)/ruff check bot handlers tests
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

## Throughput and peak memory of the analysis against raw spaCy; the job engine at 1,000 feeds (PostgreSQL).
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/diplobot bench
	$(BIN)/diplobot bench who-said --quotes 20000 --queries 30
	$(BIN)/diplobot bench deadlines --stories 20000 --queries 30
	$(BIN)/diplobot bench grouping --articles 10000 --at 1000,5000,10000
	$(BIN)/diplobot bench scale --feeds 1000 --workers 1,2,4

## Quality figures on the evaluation corpora (see ../shared/EVAL.md) and our own labelled sets.
eval: $(STAMP)
	$(BIN)/diplobot eval all

lint: $(STAMP)
	$(BIN)/ruff check bot handlers tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) diplobot.db diplobot.db-wal diplobot.db-shm
