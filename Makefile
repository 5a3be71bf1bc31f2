# The two commands a newcomer needs: `make demo` and `make test`.
# Both install missing Debian packages first (scripts/install-deps).

BUILD      ?= build
ASAN_BUILD ?= build-asan
BENCH_BUILD?= build-bench
JOBS       ?= $(shell nproc)
CMAKE_GEN  := -G Ninja

.PHONY: all deps build test unit asan e2e demo bench fuzz lint lint-all tidy format format-check clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

$(ASAN_BUILD)/build.ninja:
	cmake -S . -B $(ASAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DTINKR_SANITIZE=ON -DTINKR_UNIT_ONLY=ON

# Unit tests under AddressSanitizer + UndefinedBehaviorSanitizer.
asan: $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target unit_tests
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest -L unit -j $(JOBS) --output-on-failure

FUZZ_SECONDS ?= 20

# Every test once: the unit tests under the sanitizers (asan), the end-to-end
# tests against the optimised binaries (e2e). Building the unit tests a second
# time, unsanitised, would cost a quarter of the cold build for no new check;
# `make unit` runs them in $(BUILD) by hand.
test: deps format-check tidy asan fuzz e2e

# The binaries and the end-to-end tests (real tinkr / tinkr-server processes,
# simulators, a real Prometheus), then those tests.
e2e: $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target tinkr tinkr-server test_e2e
	cd $(BUILD) && ctest -L e2e -j $(JOBS) --output-on-failure

# The query-parser fuzz target (libFuzzer, clang), briefly; longer by hand:
# `make fuzz FUZZ_SECONDS=600`.
fuzz:
	@mkdir -p build-fuzz
	@echo "fuzzing the query parser for $(FUZZ_SECONDS)s (log: build-fuzz/fuzz.log)"
	@scripts/fuzz-query $(FUZZ_SECONDS) > build-fuzz/fuzz.log 2>&1 || { tail -60 build-fuzz/fuzz.log; exit 1; }
	@grep -E "^Done|DONE" build-fuzz/fuzz.log | tail -1

unit: build
	cd $(BUILD) && ctest -L unit -j $(JOBS) --output-on-failure

demo: deps build
	scripts/demo $(BUILD)

$(BENCH_BUILD)/build.ninja:
	cmake -S . -B $(BENCH_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DTINKR_BUILD_BENCH=ON

bench: deps $(BENCH_BUILD)/build.ninja
	cmake --build $(BENCH_BUILD) -j $(JOBS)
	scripts/bench $(BENCH_BUILD)

# Style and static checks (scripts/lint; which files count as changed: its header).
# `lint`: clang-format over every tracked C/C++ file, then clang-tidy on the
# .cc files of the change under test: on a branch ahead of main, its commits
# since main; with CI=true (a clean clone of main), the last LINT_COMMITS (5)
# commits; always the uncommitted files. `make lint LINT_BASE=origin/main`
# picks the base by hand.
lint: deps $(BUILD)/build.ninja
	BUILD=$(BUILD) JOBS=$(JOBS) scripts/lint

# The two halves of `lint` that `make test` runs: formatting, then clang-tidy on
# the changed files, before the build so that a finding fails in a minute or two.
format-check: deps
	JOBS=$(JOBS) scripts/lint --format-only

tidy: deps $(BUILD)/build.ninja
	BUILD=$(BUILD) JOBS=$(JOBS) scripts/lint --tidy-only

# clang-tidy on every .cc file of the build (~15 min on 2 idle cores).
lint-all: deps $(BUILD)/build.ninja
	BUILD=$(BUILD) JOBS=$(JOBS) scripts/lint --all

# Rewrites every tracked C/C++ file with clang-format.
format: deps
	JOBS=$(JOBS) scripts/lint --fix-format

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BENCH_BUILD) build-fuzz
