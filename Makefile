# Wraps the README's two commands. Run packaging/linux/install-deps.sh once first (it installs make, too).
PRESET ?= default
BUILD_DIR ?= build
SAMPLES ?= resources/samples/attack-day.ndjson resources/samples/okta-sample.ndjson

.PHONY: all configure build demo replay test bench format clean

all: build

configure:
	cmake --preset $(PRESET)

build: configure
	cmake --build --preset $(PRESET)

# Vigil's main job on the embedded defaults: the console against the built-in simulated Okta org.
# Without a display (a server, a container) it runs offscreen for 30 s and saves what the window showed.
demo: build
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then $(BUILD_DIR)/app/vigil --demo; \
	else echo "No display: running the demo offscreen for 30 s; the window is saved to demo.png"; \
	QT_QPA_PLATFORM=offscreen $(BUILD_DIR)/app/vigil --demo --screenshot demo.png --screenshot-delay 30000; fi

# The bundled sample files through `vigil replay`, report on standard output.
replay: build
	$(BUILD_DIR)/app/vigil replay $(addprefix --input ,$(SAMPLES)) --report -

test: build
	tests/run-ctest.sh $(BUILD_DIR)

# Benchmarks print their figures (tests/bench/); they are not part of `make test`.
bench: build
	$(BUILD_DIR)/tests/bench/bench_ingest 200000 5000

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
