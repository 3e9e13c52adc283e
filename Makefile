# Two entry points on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check browser bench lock docs clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	# compile the Numba loops into their cache now, not during a shop's first run (~20 s)
	$(BIN)/python -c "from regulars.models.recommend._kernels import warm_up; warm_up()"
	$(BIN)/python -c "from regulars.models.timing._slots import warm_up; warm_up()"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/regulars demo demo-shop

# Every test, on both cores (each worker builds its own shared demo shop once).
test: $(STAMP) browser
	$(BIN)/python -m pytest -q -n 2 --dist loadscope --durations=25

# The quick loop after each change: no demo shop, no process, no browser, no public data set;
# Hypothesis with a few examples. Work stealing balances these short tests best (make test keeps
# a module on one worker instead, so its module fixtures are built once).
check: $(STAMP)
	HYPOTHESIS_PROFILE=check $(BIN)/python -m pytest -q -n 2 --dist worksteal --durations=10 \
	  -m "not (slow or demo or subprocess or browser)"

# The dashboard's browser tests drive Debian's chromium with its own chromedriver (a browser
# download of Selenium's or Playwright's is not reachable from the test machines).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

bench: $(STAMP)
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/python bench/run.py
	$(BIN)/python bench/clv.py
	$(BIN)/python bench/features.py
	$(BIN)/python bench/cli.py
	$(BIN)/python bench/reasons.py
	$(BIN)/python bench/run_1m.py
	$(BIN)/python bench/recommend.py
	$(BIN)/python bench/segments.py
	$(BIN)/python bench/serve.py

# Re-resolve the newest versions pyproject.toml allows and record them (run the tests after).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e ".[test]"
	(echo "# Versions the tests last passed with (make installs with -c constraints.txt); refresh with make lock."; \
	 .lock-venv/bin/pip freeze --exclude-editable | grep -v '^#') > constraints.txt
	rm -rf .lock-venv

docs: $(STAMP)
	$(VENV)/bin/python -c "from regulars.metrics import formulas_page; open('docs/metrics.md', 'w').write(formulas_page())"

clean:
	rm -rf $(VENV) demo-shop
