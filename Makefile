# Wraps the README's two commands. Run packaging/linux/install-deps.sh once first (it installs make, too).
PRESET ?= default
BUILD_DIR ?= build
SAMPLES ?= resources/samples/attack-day.ndjson resources/samples/okta-sample.ndjson

.PHONY: all configure build demo test bench format clean

all: build

configure:
	cmake --preset $(PRESET)

build: configure
	cmake --build --preset $(PRESET)

# Vigil's main job on the embedded defaults: until the demo tenant lands, replay the bundled samples.
demo: build
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
