# Two commands for a fresh clone: `make demo` and `make test`. Both create .venv when it is missing.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo test lint format clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	# compat: the editable install is a path in a .pth file, cheaper at each start than the default import hook
	$(PY) -m pip install --quiet -c constraints.txt -e '.[train,serve,distributed,dev]' --config-settings editable_mode=compat
	# bytecode now: where PYTHONDONTWRITEBYTECODE is set, every start would compile the package again
	$(PY) -m compileall -q hcr_ocr
	touch $(STAMP)

demo: $(STAMP)
	@mkdir -p out/demo
	$(VENV)/bin/hcr-ocr read samples/paragraph.png --overlay out/demo/paragraph.overlay.png
	$(VENV)/bin/hcr-ocr read samples/paragraph.png --format json --out out/demo
	@echo "overlay: out/demo/paragraph.overlay.png, JSON: out/demo/paragraph.json"

test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check hcr_ocr tests samples scripts
	$(VENV)/bin/ruff format --check hcr_ocr tests samples scripts
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format hcr_ocr tests samples scripts
	$(VENV)/bin/ruff check --fix hcr_ocr tests samples scripts

clean:
	rm -rf out .pytest_cache
