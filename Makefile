# spinelab — the two commands a newcomer types are `make run` and `make test`.
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_PEERS ?= build-peers
BUILD_FUZZ ?= build-fuzz
FUZZ_S     ?= 60
JOBS       ?= 2
CMAKE_GEN  := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")
LAUNCHER   := $(shell command -v ccache >/dev/null 2>&1 && echo "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")

.PHONY: all deps configure build run test test-sanitize fuzz bench bench-peers clean adaptive-check

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release $(LAUNCHER)

configure: deps $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j$(JOBS)

# the default job: calibration report, a whole-spine gravity run, a facet crack, every scenario to
# results/demo.h5 and where each technique pops (docs/scenarios.md), the twist-versus-traction comparison, and a small body-mass study
# (results/study.h5, plotted to results/study.png)
run: build
	@mkdir -p results
	$(BUILD)/bin/spinelab rom --report
	$(BUILD)/bin/spinelab settle --duration-s 3
	$(BUILD)/bin/spinelab pa-stiffness
	$(BUILD)/bin/spinelab creep
	$(BUILD)/bin/spinelab distract --level L4-L5 --side L --speed-mm-s 10 --again-after-s 300,1500 --wav results/pop.wav
	$(BUILD)/bin/spinelab run scenarios/*.toml -o results/demo.h5 --overwrite
	$(BUILD)/bin/spinelab where-it-pops results/demo.h5
	$(BUILD)/bin/spinelab compare scenarios/seated_twist.toml scenarios/dead_hang.toml
	$(BUILD)/bin/spinelab batch scenarios/seated_twist.toml scenarios/dead_hang.toml --sweep subject.body_mass_kg=55:95:3 \
	  -o results/study.h5 --overwrite -j$(JOBS)
	/usr/bin/python3 examples/plot_study.py results/study.h5 -o results/study.png
	$(BUILD)/bin/spinelab run scenarios/lumbar_side_posture_thrust.toml --wav results/side_posture_pops.wav
	$(BUILD)/bin/spinelab validate --out results/validation

# (the adaptive step's accuracy comparison, label `accuracy`, has its own target: adaptive-check)
test: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS) -LE accuracy

# run.step = "adaptive" against a fixed step 4x smaller than each technique scenario's own
# (issue 26): prints the table (scenario, quantity, adaptive, fine fixed, error, steps, wall time)
# and fails where an answer is off by more than 2 %; minutes (ctest label `accuracy`)
adaptive-check: configure
	cmake --build $(BUILD) -j$(JOBS) --target spinelab_adaptive_tests
	$(BUILD)/bin/spinelab_adaptive_tests --gtest_filter='Techniques/*'
	@echo "the same in ctest: ctest --test-dir $(BUILD) -L accuracy -j$(JOBS)"

# AddressSanitizer + UndefinedBehaviorSanitizer build of the whole test suite (as make test: without
# the adaptive step's accuracy comparison, label `accuracy`, which has its own target)
test-sanitize: deps
	cmake -S . -B $(BUILD_ASAN) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPINELAB_SANITIZE=ON $(LAUNCHER)
	cmake --build $(BUILD_ASAN) -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  ctest --test-dir $(BUILD_ASAN) --output-on-failure -j$(JOBS) -LE accuracy

# libFuzzer (clang, ASan + UBSan) on the scenario reader (TOML + --set), the model reader and
# io::ReadRun on arbitrary bytes, FUZZ_S seconds each from a seed corpus of the project's own
# scenarios, models, test files and results (docs/reliability.md); not part of `make test`
fuzz:
	@./scripts/install-deps.sh --fuzz
	cmake -S . -B $(BUILD_FUZZ) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Fuzz -DCMAKE_CXX_FLAGS_FUZZ="-O1 -g1" -DCMAKE_CXX_COMPILER=clang++ \
	  -DSPINELAB_SANITIZE=ON -DSPINELAB_FUZZ=ON -DSPINELAB_BUILD_BENCHMARKS=OFF $(LAUNCHER)
	cmake --build $(BUILD_FUZZ) -j$(JOBS) --target fuzz_scenario fuzz_model fuzz_run_file
	@test -f $(BUILD)/CMakeCache.txt || cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release $(LAUNCHER)
	cmake --build $(BUILD) -j$(JOBS) --target spinelab
	./scripts/run-fuzz.sh $(BUILD_FUZZ) $(FUZZ_S) $(BUILD)/bin/spinelab

bench: build
	$(BUILD)/bin/spinelab_benchmarks --benchmark_min_time=0.5

# bushing-chain reference problem: spinelab vs Simbody vs Bullet vs DART (benchmarks/README.md
# "Peer comparison"); its own Release build dir; a peer's rows are skipped when it is not installed
bench-peers:
	@./scripts/install-deps.sh --peers
	@test -f $(BUILD_PEERS)/CMakeCache.txt || cmake -S . -B $(BUILD_PEERS) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release $(LAUNCHER)
	cmake --build $(BUILD_PEERS) -j$(JOBS) --target peer_programs
	/usr/bin/python3 benchmarks/peers/run_peers.py --bin $(BUILD_PEERS)/bin --runs 5

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_PEERS) $(BUILD_FUZZ)
