# The two commands of README.md, and a few helpers. Every target installs what is missing first.
JOBS ?= $(shell nproc)
NNBENCH := ./build/cpu/nnbench
FORMAT_FILES := $(shell git ls-files '*.cpp' '*.hpp' '*.cxx' '*.cu' 2>/dev/null)

.PHONY: all setup setup-frameworks configure build bench test cuda-build cuda-check gpu-check format format-check overhead clean

all: build

setup:
	@scripts/setup-deps

# JAX/Flax/Optax and Keras 3 (TensorFlow) for the cross-framework suite's jax and keras backends.
setup-frameworks:
	@scripts/setup-deps --frameworks

configure: setup
	@cmake --preset cpu >/dev/null

build: configure
	@cmake --build --preset cpu -j $(JOBS)

# The default quick suite on the CPU; prints where the report is.
bench: build
	$(NNBENCH) run --quick

# All tests (unit and integration); ctest prints its summary line.
test: build
	ctest --preset cpu -j $(JOBS)

# Compile and link the CUDA build (no GPU needed); run where a GPU is: scripts/gpu-check.sh.
cuda-build: setup
	@cmake --preset cuda >/dev/null
	@cmake --build --preset cuda -j $(JOBS)

# What CI checks of the CUDA build: every CUDA source compiles and links (the libraries with their
# *_cuda.cpp and *.cu files, the nnbench binary, the GPU tests and the kernel benchmark). The CPU
# test programs, which the cpu preset already builds and runs, are left to the GPU machine's
# full build (scripts/gpu-check.sh), so CI does not compile them a second time.
CUDA_CHECK_TARGETS := nnbench nnbench_engine_gpu_tests nnbench_suites_gpu_tests nnbench_decode_kernels
cuda-check: setup
	@cmake --preset cuda >/dev/null
	@cmake --build --preset cuda -j $(JOBS) --target $(CUDA_CHECK_TARGETS)

gpu-check:
	scripts/gpu-check.sh results/gpu-check

# The harness's own overhead next to Google Benchmark's (docs/benchmarks.md).
overhead: build
	./build/cpu/tools/nnbench_overhead 15

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	clang-format --dry-run -Werror $(FORMAT_FILES)

clean:
	rm -rf build
