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
SYSTEM_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd chromium

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

# System packages: Tesseract for scans (its orientation model for pages scanned the wrong way
# round), Chromium for the review page's browser test.
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

# The scan model is fitted on the corpus's scans and on scans made the same way of filings it has
# no scan of (Forms 3 and 5, more Form 4s): all but the first 20 / 15 / 24, which development
# scores on (scripts/simulate_scans.py), at 200 and 150 dpi.
SIM_SCANS := build/simulated-scans
calibrate: venv
	rm -rf $(SIM_SCANS)
	for d in 200 150; do \
	  $(BIN)/python scripts/simulate_scans.py $(CORPUS)/form3 $(SIM_SCANS)/form3 --dpi $$d --skip 20 >/dev/null && \
	  $(BIN)/python scripts/simulate_scans.py $(CORPUS)/form5 $(SIM_SCANS)/form5 --dpi $$d --skip 15 >/dev/null && \
	  $(BIN)/python scripts/simulate_scans.py $(CORPUS)/form4 $(SIM_SCANS)/form4 --dpi $$d --unscanned --skip 24 --limit 30 >/dev/null \
	  || exit 1; \
	done
	$(BIN)/python scripts/calibrate.py --corpus $(CORPUS) --scans $(SIM_SCANS)

score: venv
	$(PY) $(CORPUS)/../tools/score.py run --cmd '$(BIN)/extract {input}' --corpus $(CORPUS)/form4 --input form.pdf --jobs 2

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
