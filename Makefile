# Everything a fresh clone needs: `make demo` or `make test` builds .venv (and installs the system
# packages the OCR path and the review page use), then runs.
PY        ?= python3
VENV      := .venv
BIN       := $(VENV)/bin
STAMP_SYS := $(VENV)/.stamp-system
STAMP_PY  := $(VENV)/.stamp-python
SAMPLE    := samples/form4-edgar-render.pdf
CORPUS    := ../shared/corpus
SUDO      := $(if $(filter 0,$(shell id -u)),,sudo)
SYSTEM_PACKAGES := tesseract-ocr tesseract-ocr-eng chromium

.PHONY: demo test venv system bench bench-bulk golden calibrate score clean

demo: venv
	$(BIN)/extract $(SAMPLE) --pretty

test: venv
	$(BIN)/pytest -q

# The package's bytecode, compiled ahead: an environment with PYTHONDONTWRITEBYTECODE set (CI
# images often are) would otherwise compile every module again in each `extract` process (~60 ms
# of a 0.3 s cold start). Only what changed is compiled again; a stale file is never used.
venv: $(STAMP_PY)
	@$(BIN)/python -m compileall -q extractor

# System packages: Tesseract for scans, Chromium for the review page's browser test.
$(STAMP_SYS):
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@mkdir -p $(VENV) && touch $@

$(STAMP_PY): pyproject.toml $(STAMP_SYS)
	@[ -x $(BIN)/python ] || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $@

system: $(STAMP_SYS)

bench: venv
	$(BIN)/python bench/bench.py

# Several minutes: rates with 1 and 2 workers and Dask on the corpus, peak memory at 1k and 10k files.
bench-bulk: venv
	$(BIN)/python bench/bench_bulk.py --json bench/bulk-results.json

# Rewrites samples/*.json from the current pipeline. Never run in CI: review the diff first.
golden: venv
	$(BIN)/python -m tests.golden --write

calibrate: venv
	$(BIN)/python scripts/calibrate.py --corpus $(CORPUS)

score: venv
	$(PY) $(CORPUS)/../tools/score.py run --cmd '$(BIN)/extract {input}' --corpus $(CORPUS)/form4 --input form.pdf --jobs 2

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
