#!/usr/bin/env bash
# One command for the GPU machine: records the machine (nvidia-smi, torch), configures the cuda
# preset against python3's torch, builds with all cores, runs every ctest label (unit,
# integration, gpu) and a quick GPU run of nnbench, and leaves a few files in OUTDIR:
#   summary.txt   what ran, pass/fail lines, the run's table (read this first)
#   facts.txt     nvidia-smi, torch, toolchain
#   logs.tar.gz   configure, build, ctest and run logs
#   results.tar.gz  the nnbench result directories (JSON, CSV, Markdown)
# Usage: scripts/gpu-check.sh OUTDIR
# Where the Debian -dev packages nnbench builds against are missing (the GPU machine has no
# network), scripts/fetch-gpu-deps.sh downloads them here into .gpu-deps/ (and the wheels of the
# Python packages the tests use into .whl/); this script unpacks them with `dpkg -x` into
# /opt/nnbench-deps (never into /) and builds against that prefix.
# GPU_CHECK_SUBSET=verify runs only a short zoo sweep and the out-of-memory run after the tests;
# =gen the generation suite (gpt2, gpt2-medium, llama-1b, llama2-7b) after the tests; =gen7b
# only llama2-7b at batch 1 in fp16 and its out-of-memory row, then the CPU labels; =kernels the
# GPU tests, the decode step's kernels part by part (nnbench_decode_kernels --step) and llama2-7b
# at batch 1 in fp16, graph and kernel modes, no CPU labels; =memory the GPU tests, the memory
# suite (language and zoo models, three dtypes), cnn's layer profile and the scaling MLP per
# dtype, no CPU labels; =dist the GPU tests, the graph-mode scaling sweep, the allreduce and
# ddp-train suites on one GPU (NCCL) and on two CPU ranks (Gloo), no CPU labels; =frameworks the
# cross-framework suite (torch, pytorch, pytorch-compile, jax) on the seed models and cnn's layer
# profile, =frameworks-resnet50 on resnet50 and one Fashion-MNIST epoch, no tests; =fusion the
# inference modes eager, graph, fused, fused+graph and aot side by side for resnet50 and vit_b_16
# in fp16 at batch 1 and 256 (the AOTInductor packages compiled first, in parallel), no tests
# (GPU_CHECK_MODES and GPU_CHECK_BATCHES="1 256" narrow it);
# =aotgraph the aot+graph mode beside fused+graph and aot at batch 1 and the CapturedForward GPU
# tests; =load the load scenarios (resnet50 server and offline, gpt2 server) at the default
# validity rules (GPU_CHECK_LOAD_S shortens them), no tests;
# =cpulabel the build and CPU labels; =calibration the GPU tests, the calibration benchmark on the
# device and the host, and a short inference run; =byom-resnet50 a user's resnet50 .py file in
# every GPU backend of the user_model benchmark beside the zoo's fused+graph; =byom-llama a Llama
# checkpoint directory (Llama-2-7B shapes, random weights) in kernel mode beside the preset.
set -uo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mkdir -p "$1" && cd "$1" && pwd)"
work="${out}/gpu-check"
rm -rf "${work}" && mkdir -p "${work}/logs" "${work}/results"
summary="${out}/summary.txt"
: >"${summary}"
jobs="$(nproc)"
# Seconds this script may take in all (the device tool stops a command at 600 s); the last step,
# the CPU-label tests, gets what is left.
budget_s="${GPU_CHECK_BUDGET_S:-570}"
# GPU_CHECK_SUBSET=verify: after a fix, only a short zoo run, the out-of-memory run and the tests.
subset="${GPU_CHECK_SUBSET:-full}"
build="${root}/build/cuda"
status=0

say() { echo "$*" | tee -a "${summary}"; }
elapsed() { echo "$((SECONDS - $1)) s"; }
cd "${root}" || exit 2

say "nnbench gpu-check $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

# --- the machine ---------------------------------------------------------------------------------
{
  echo "== nvidia-smi"; nvidia-smi 2>&1
  echo "== nvidia-smi clocks/power"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.sm,power.limit,temperature.gpu --format=csv 2>&1
  echo "== torch"
  python3 -c 'import torch; p = torch.cuda.get_device_properties(0) if torch.cuda.is_available() else None; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available()); print(p, "L2", getattr(p, "L2_cache_size", "?"))' 2>&1
  echo "== toolchain"; command -v python3; nvcc --version 2>&1 | tail -2; g++ --version 2>&1 | head -1
  cmake --version 2>&1 | head -1; nproc; uname -a
  echo "== nvml"; ls -l /usr/local/cuda/include/nvml.h 2>&1; ldconfig -p | grep -i nvidia-ml
  echo "== os"; head -3 /etc/os-release
} >"${out}/facts.txt" 2>&1
say "facts: $(grep -m1 -o 'NVIDIA [A-Z0-9 ]*[0-9]GB[A-Z0-9 ]*' "${out}/facts.txt" || echo 'no GPU name found')"
say "torch: $(grep -m1 '^torch ' "${out}/facts.txt")"

# --- dependencies: unpack the carried .deb files into a prefix ---------------------------------------
prefix=/opt/nnbench-deps
if compgen -G "${root}/.gpu-deps/*.deb" >/dev/null; then
  mkdir -p "${prefix}"
  for deb in "${root}"/.gpu-deps/*.deb; do dpkg -x "${deb}" "${prefix}"; done
  libdir="${prefix}/usr/lib/x86_64-linux-gnu"
  # zlib1g-dev's libz.so points at Debian's absolute /lib/.../libz.so.1.2.13; use this system's.
  system_libz="$(ldconfig -p | awk '/libz\.so\.1 .*x86-64/ {print $NF; exit}')"
  [[ -n "${system_libz}" ]] && ln -sf "${system_libz}" "${libdir}/libz.so"
  export CMAKE_PREFIX_PATH="${prefix}/usr${CMAKE_PREFIX_PATH:+:${CMAKE_PREFIX_PATH}}"
  # As if installed system-wide: searched after every -I/-isystem, so LibTorch's bundled fmt keeps
  # winning in torch translation units, exactly as /usr/include does on the development machine.
  export CPLUS_INCLUDE_PATH="${prefix}/usr/include${CPLUS_INCLUDE_PATH:+:${CPLUS_INCLUDE_PATH}}"
  export LIBRARY_PATH="${libdir}${LIBRARY_PATH:+:${LIBRARY_PATH}}"
  export LD_LIBRARY_PATH="${libdir}${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}"
  say "deps: $(compgen -G "${root}/.gpu-deps/*.deb" | wc -l) .deb files unpacked into ${prefix}"
else
  say "deps: no .gpu-deps/*.deb here; using the system's packages"
fi

# --- Python packages the tests use that the machine's image lacks (jsonschema), carried as wheels
# (.whl-models/: transformers and its dependencies, for the byom-llama trip; carried apart to
# keep each trip under the device tool's 64 MiB.)
if compgen -G "${root}/.whl*/*.whl" >/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/nnbench-site "${root}"/.whl*/*.whl >/dev/null 2>&1 &&
    export PYTHONPATH="/tmp/nnbench-site${PYTHONPATH:+:${PYTHONPATH}}"
  say "wheels: $(python3 -c 'import jsonschema; print("jsonschema", jsonschema.__version__)' 2>&1 | tail -1)"
fi

# --- configure and build -------------------------------------------------------------------------
# A g++ with a shared libstdc++: the image's default compiler (/opt/gcc, GCC_13 with libstdc++.a
# only) is refused by the configure step (cmake/NnbenchTorch.cmake says why).
cxx="${CXX:-}"
for candidate in "${cxx}" "$(command -v g++)" /usr/bin/g++; do
  [[ -n "${candidate}" && -x "${candidate}" ]] || continue
  if [[ "$("${candidate}" -print-file-name=libstdc++.so)" == /* ]]; then cxx="${candidate}"; break; fi
done
say "compiler: ${cxx} ($("${cxx}" --version 2>/dev/null | head -1))"
t=${SECONDS}
if cmake --preset cuda -DNNBENCH_PYTHON="$(command -v python3)" -DCMAKE_CXX_COMPILER="${cxx}" \
  >"${work}/logs/configure.log" 2>&1; then
  say "configure: ok ($(elapsed $t))"
else
  say "configure: FAILED ($(elapsed $t))"; tail -30 "${work}/logs/configure.log" | tee -a "${summary}"
  status=1
fi
if [[ ${status} -eq 0 ]]; then
  t=${SECONDS}
  keep_going=(); [[ -f "${build}/Makefile" ]] && keep_going=(-- -k)
  # GPU_CHECK_TARGETS="nnbench nnbench_suites_gpu_tests": a short trip builds only these (the
  # tests of executables not built are not run).
  targets=(); [[ -n "${GPU_CHECK_TARGETS:-}" ]] && read -r -a targets <<<"--target ${GPU_CHECK_TARGETS}"
  if cmake --build "${build}" -j "${jobs}" "${targets[@]}" "${keep_going[@]}" \
    >"${work}/logs/build.log" 2>&1; then
    say "build: ok with ${jobs} jobs ($(elapsed $t))"
  else
    say "build: FAILED ($(elapsed $t)); first errors:"
    grep -m 20 -E 'error|Error' "${work}/logs/build.log" | tee -a "${summary}"
    status=1
  fi
  say "warnings in the build log: $(grep -c 'warning:' "${work}/logs/build.log")"
fi

# --- tests: the GPU label one test at a time (they time things); CPU labels after the runs -------
if [[ -x "${build}/nnbench" ]]; then
  if [[ "${subset}" != gen7b && "${subset}" != cpulabel && "${subset}" != frameworks* &&
        "${subset}" != fusion && "${subset}" != aotgraph && "${subset}" != load &&
        "${subset}" != byom* ]]; then
    t=${SECONDS}
    timeout 240 ctest --test-dir "${build}" -L gpu -j 1 -V --timeout 120 \
      >"${work}/logs/ctest-gpu.log" 2>&1 || status=1
    say "ctest gpu: $(grep -E 'tests passed|tests failed' "${work}/logs/ctest-gpu.log" || echo 'no summary') ($(elapsed $t))"
    grep -E '^\s+[0-9]+ - .*\((Failed|Timeout|Not Run|SEGFAULT|Exception)' "${work}/logs/ctest-gpu.log" | tee -a "${summary}"
    # The GPU tests print their measured figures (event vs host time, NVML readings, energy).
    grep -E '^[0-9]+: (event|NVIDIA|[0-9]+ samples|latency|decode step)' "${work}/logs/ctest-gpu.log" | tee -a "${summary}"
  fi

  # --- GPU runs: each writes its own result directory; a failed variant fails the check -----------
  # nb_run LABEL ARGS...: runs nnbench with ARGS on the GPU, logs to logs/run-LABEL.log.
  nb_run() {
    local label="$1"; shift
    local t=${SECONDS}
    "${build}/nnbench" run --device cuda --output-dir "${work}/results" "$@" \
      >"${work}/logs/run-${label}.log" 2>&1
    local rc=$?
    say "run ${label}: exit ${rc} ($(elapsed $t)): nnbench run --device cuda $*"
    return ${rc}
  }
  # nb_launch LABEL NPROC DEVICE ARGS...: nnbench launch of NPROC ranks, each running nnbench run
  # on DEVICE with ARGS; rank 0 writes the results.
  nb_launch() {
    local label="$1" nproc="$2" device="$3"; shift 3
    local t=${SECONDS}
    "${build}/nnbench" launch --nproc-per-node "${nproc}" --timeout 300 -- "${build}/nnbench" run \
      --device "${device}" --output-dir "${work}/results" "$@" >"${work}/logs/run-${label}.log" 2>&1
    local rc=$?
    say "run ${label}: exit ${rc} ($(elapsed $t)): nnbench launch --nproc-per-node ${nproc} -- nnbench run --device ${device} $*"
    return ${rc}
  }
  data="${root}/.data/fashion-mnist"
  if [[ "${subset}" == cpulabel ]]; then
    :  # the build and the CPU labels only
  elif [[ "${subset}" == gen7b || "${subset}" == kernels ]]; then
    modes=eager,graph,kernel
    if [[ "${subset}" == kernels ]]; then
      # The decode step's launches in one CUDA graph, part by part, next to the copy bandwidth.
      "${build}/tools/nnbench_decode_kernels" --step >"${work}/logs/decode-step.log" 2>&1 || status=1
      tee -a "${summary}" <"${work}/logs/decode-step.log"
      modes=graph,kernel
    fi
    # The physical-limit target: llama2-7b, batch 1, fp16, every mode against the bandwidth bound.
    nb_run gen-7b --suite generation --quick --models llama2-7b --axis dtype=fp16 \
      --axis batch_size=1 --axis mode="${modes}" --option prompt_length=128 --option generate=128 ||
      status=1
    if [[ "${subset}" == gen7b ]]; then
      # Too large: llama2-7b in fp32 at a batch whose cache cannot fit (exit 1 expected).
      nb_run gen-oom --suite generation --models llama2-7b --axis dtype=fp32 \
        --axis batch_size=4096 --axis mode=eager --iterations 1 --option prompt_length=128 \
        --option generate=128
      [[ $? -eq 1 ]] || status=1
      grep -E 'out of device memory' "${work}/logs/run-gen-oom.log" | cut -c1-300 |
        tee -a "${summary}"
    fi
  elif [[ "${subset}" == memory ]]; then
    # Memory (issue 7): the training-step breakdown of the language's and the zoo's models per
    # dtype, cnn layer by layer, and the scaling MLP's size sweep per dtype.
    nb_run memory --suite memory --quick --axis dtype=fp32,fp16,bf16 --axis batch_size=32,128 \
      --axis model=simple_mlp,cnn,deep_mlp,scaling_mlp,resnet50,vit_b_16 || status=1
    nb_run layers --include layer_profile --quick --axis model=cnn --axis batch_size=32 || status=1
    nb_run scaling --include mlp_inference --quick --axis hidden_dim=1024,2048,4096,8192 \
      --axis dtype=fp32,fp16,bf16 --axis batch_size=1,256 --axis mode=graph || status=1
  elif [[ "${subset}" == dist ]]; then
    # Issue 7: the graph-mode scaling sweep, whose device peaks must no longer carry the cuBLAS
    # workspaces of earlier variants (one capture stream per device).
    nb_run scaling --include mlp_inference --quick --axis hidden_dim=1024,2048,4096,8192 \
      --axis dtype=fp32,fp16,bf16 --axis batch_size=1,256 --axis mode=graph || status=1
    # The sweep's last variant again in a process of its own: the same device peak, byte for byte?
    nb_run scaling-alone --include mlp_inference --quick --axis hidden_dim=8192 --axis dtype=bf16 \
      --axis batch_size=256 --axis mode=graph || status=1
    # Issue 8 on one GPU: NCCL collectives in a job of one rank (checked results, the NCCL path),
    # and data-parallel training's one-process baseline for resnet50.
    nb_launch allreduce-nccl 1 cuda --suite allreduce --axis dtype=bf16 \
      --axis collective=all_reduce,all_gather,reduce_scatter,broadcast \
      --axis size_bytes=1024,1048576,67108864,1073741824 || status=1
    nb_launch ddp-gpu 1 cuda --suite ddp-train --quick --axis model=resnet50 \
      --axis dtype=fp32,bf16 --axis batch_size=64 || status=1
    # Gloo on this host's CPUs: two ranks on loopback.
    nb_launch allreduce-gloo 2 cpu --suite allreduce --axis collective=all_reduce,all_gather \
      --axis size_bytes=1024,1048576,67108864 || status=1
    nb_launch ddp-cpu 2 cpu --suite ddp-train --quick --axis model=simple_mlp,cnn \
      --axis batch_size=64 || status=1
  elif [[ "${subset}" == frameworks ]]; then
    # Issue 9: the language's seed models and ResNet-50 in-process (LibTorch), in PyTorch's
    # Python runtime (eager, torch.compile) and in JAX (Flax/Optax, jitted), one harness.
    nb_run frameworks --suite cross-framework --models simple_mlp,cnn,deep_mlp \
      --backends torch,pytorch,pytorch-compile,jax --axis mode=inference,train \
      --axis batch_size=32,256 --iterations 50 || status=1
    # Issue 7: the layer profile on the GPU, after its warm-up fix.
    nb_run layers --include layer_profile --quick --axis model=cnn --axis batch_size=32 || status=1
  elif [[ "${subset}" == frameworks-resnet50 ]]; then
    nb_run frameworks-resnet50 --suite cross-framework --models resnet50 \
      --backends torch,pytorch,pytorch-compile,jax --axis mode=inference,train \
      --axis batch_size=64 --iterations 30 || status=1
    # One epoch of Fashion-MNIST on the GPU, accuracies side by side.
    nb_run frameworks-epoch --suite cross-framework --models simple_mlp,cnn \
      --backends torch,pytorch,jax --axis mode=epoch --axis batch_size=128 \
      --option data="${root}/.data/fashion-mnist" || status=1
  elif [[ "${subset}" == fusion ]]; then
    # Issue 10: the packages of the aot mode are compiled by PyTorch (minutes each); one short
    # run per model and batch size, all at once, fills the cache the side-by-side runs then hit.
    aot_cache="${build}/aot-cache"
    t=${SECONDS}
    pids=()
    for model in resnet50 vit_b_16; do
      layout=contiguous; [[ "${model}" == resnet50 ]] && layout=channels_last
      for batch in ${GPU_CHECK_BATCHES:-1 256}; do
        "${build}/nnbench" run --device cuda --output-dir "${work}/aot-warm" --no-history \
          --suite inference --iterations 1 --models "${model}" --axis dtype=fp16 --axis batch_size="${batch}" \
          --axis layout="${layout}" --axis mode=aot --option aot_cache="${aot_cache}" \
          >"${work}/logs/aot-compile-${model}-${batch}.log" 2>&1 &
        pids+=($!)
      done
    done
    for pid in "${pids[@]}"; do wait "${pid}" || status=1; done
    say "aot packages compiled ($(elapsed $t)): $(ls "${aot_cache}" 2>/dev/null | grep -c '\.pt2$') in ${aot_cache}"
    grep -hE 'error|unavailable|FAILED' "${work}"/logs/aot-compile-*.log | cut -c1-300 | head -n 8 |
      tee -a "${summary}"
    rm -rf "${work}/aot-warm"
    modes="${GPU_CHECK_MODES:-eager,graph,fused,fused+graph,aot}"
    batches="$(tr ' ' ',' <<<"${GPU_CHECK_BATCHES:-1 256}")"
    # Each run's rows go into the summary as soon as it ends (a run cut off by the device's
    # limit loses only itself).
    table_so_far() {
      python3 "${root}/scripts/gpu_table.py" "${work}/results" >"${out}/table.txt" 2>&1
      grep -hiE 'error|failed|unavailable' "${work}"/logs/run-fusion-*.log | cut -c1-400 |
        head -n 12 >"${out}/fusion-problems.txt"
    }
    nb_run fusion-resnet50 --suite inference --quick --models resnet50 --axis dtype=fp16 \
      --axis batch_size="${batches}" --axis layout=channels_last --axis mode="${modes}" \
      --option aot_cache="${aot_cache}" || status=1
    table_so_far
    nb_run fusion-vit --suite inference --quick --models vit_b_16 --axis dtype=fp16 \
      --axis batch_size="${batches}" --axis mode="${modes}" --option aot_cache="${aot_cache}" || status=1
    table_so_far
    # The layout the earlier tables used, for reference.
    [[ -n "${GPU_CHECK_MODES:-}" ]] ||
      nb_run fusion-resnet50-contiguous --suite inference --quick --models resnet50 \
      --axis dtype=fp16 --axis batch_size=1,256 --axis mode=eager,graph || status=1
  elif [[ "${subset}" == aotgraph ]]; then
    # Issue 10: the AOTInductor package replayed from a CUDA graph (its single-threaded runner),
    # vit_b_16 and resnet50 at batch 1 in fp16, beside fused+graph and aot; and the GPU test of a
    # capture that fails part-way.
    if [[ -x "${build}/tests/nnbench_engine_gpu_tests" ]]; then
      timeout 120 "${build}/tests/nnbench_engine_gpu_tests" --gtest_filter='CapturedForwardGpu.*' \
        >"${work}/logs/captured-forward-gpu.log" 2>&1 || status=1
      say "CapturedForwardGpu: $(grep -E 'PASSED|FAILED' "${work}/logs/captured-forward-gpu.log" | tr '\n' ' ')"
    fi
    aot_cache="${build}/aot-cache"
    t=${SECONDS}
    pids=()
    for model in vit_b_16 resnet50; do
      layout=contiguous; [[ "${model}" == resnet50 ]] && layout=channels_last
      "${build}/nnbench" run --device cuda --output-dir "${work}/aot-warm" --no-history \
        --suite inference --iterations 1 --models "${model}" --axis dtype=fp16 --axis batch_size=1 \
        --axis layout="${layout}" --axis mode=aot --option aot_cache="${aot_cache}" \
        >"${work}/logs/aot-compile-${model}.log" 2>&1 &
      pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "${pid}" || status=1; done
    say "aot packages compiled ($(elapsed $t)): $(ls "${aot_cache}" 2>/dev/null | grep -c '\.pt2$')"
    rm -rf "${work}/aot-warm"
    nb_run aotgraph-vit --suite inference --models vit_b_16 --axis dtype=fp16 --axis batch_size=1 \
      --axis mode=fused+graph,aot,aot+graph --iterations 200 --option aot_cache="${aot_cache}" || status=1
    nb_run aotgraph-resnet50 --suite inference --models resnet50 --axis dtype=fp16 \
      --axis batch_size=1 --axis layout=channels_last --axis mode=fused+graph,aot,aot+graph \
      --iterations 200 --option aot_cache="${aot_cache}" || status=1
    python3 "${root}/scripts/gpu_table.py" "${work}/results" >"${out}/table.txt" 2>&1
  elif [[ "${subset}" == load ]]; then
    # Issue 11: load scenarios at the default validity rules (60 s, 1024 queries): resnet50 fp16
    # in its best mode, the server rate at a 15 ms p99 bound and offline throughput; gpt2's
    # server with TTFT 2 s / TPOT 200 ms bounds. GPU_CHECK_LOAD_S shortens the minimum duration.
    load_s="${GPU_CHECK_LOAD_S:-60}"
    # GPU_CHECK_LOAD_RUNS picks among resnet50-server resnet50-offline gpt2-server (all).
    load_runs=" ${GPU_CHECK_LOAD_RUNS:-resnet50-server resnet50-offline gpt2-server} "
    scenario_table() {
      python3 "${root}/scripts/gpu_table.py" "${work}/results" >"${out}/table.txt" 2>&1
      python3 - "${work}/results" >"${out}/scenarios.txt" 2>&1 <<'PY'
import glob, json, sys
for path in sorted(glob.glob(sys.argv[1] + "/**/*.json", recursive=True)):
    try:
        doc = json.load(open(path))
    except Exception:
        continue
    for row in doc.get("benchmark_scenarios", []):
        if row.get("provenance", {}).get("sampling_mode") != "scenario" and row.get("status") == "ok":
            continue
        m = {k: v.get("value") for k, v in row.get("measurements", {}).items()}
        print(row["scenario_name"], row["status"], row.get("reason", ""))
        print("  labels:", {k: v for k, v in row.get("labels", {}).items()
                            if k in ("validity", "headline", "latency_bound", "batch_buckets", "max_delay_ms")})
        print("  metrics:", {k: round(v, 4) for k, v in sorted(m.items()) if isinstance(v, (int, float))})
        for note in row.get("provenance", {}).get("notes", []):
            print("  note:", note[:900])
PY
    }
    wants() { [[ "${load_runs}" == *" $1 "* ]]; }
    if wants resnet50-server; then
      nb_run load-resnet50 --suite inference --models resnet50 --axis dtype=fp16 \
        --axis layout=channels_last --axis mode=fused+graph --axis batch_size=128 \
        --axis scenario=server --option scenario_duration_s="${load_s}" || status=1
      scenario_table
    fi
    if wants resnet50-offline; then
      nb_run load-resnet50-offline --suite inference --models resnet50 --axis dtype=fp16 \
        --axis layout=channels_last --axis mode=fused+graph --axis batch_size=256 \
        --axis scenario=offline --option scenario_duration_s="${load_s}" || status=1
      scenario_table
    fi
    if wants gpt2-server; then
      nb_run load-gpt2 --suite generation --models gpt2 --axis dtype=fp16 --axis mode=graph \
        --axis batch_size=16 --axis scenario=server --option prompt_length=128 \
        --option generate=128 --option scenario_duration_s="${load_s}" --option search_trial_s=3 \
        --option search_trial_queries=64 || status=1
      scenario_table
    fi
  elif [[ "${subset}" == calibration ]]; then
    # Issue 27: the harness against workloads of known duration, on the device (a kernel spinning
    # on %globaltimer, timed by the host with a synchronisation and by CUDA events) and on the
    # host (a busy-wait); the errors against the truth and the harness's cost per sample.
    # launch=held: behind a kernel that holds the stream until the spin is queued (the
    # launch outside the region on both clocks); free: launched inside it, as before.
    nb_run calibration-device --include calibration --axis workload=device_spin \
      --axis clock=host,cuda_event --axis duration_us=10,100,1000,10000 \
      --axis launch=free,held --warmup 5 --iterations 100 || status=1
    nb_run calibration-host --include calibration --axis workload=busy_wait --axis clock=host \
      --axis duration_us=10,1000,10000 --warmup 5 --iterations 100 || status=1
    python3 - "${work}/results" >"${out}/calibration.txt" 2>&1 <<'PY'
import glob, json, sys
for path in sorted(glob.glob(sys.argv[1] + "/*/calibration.json")):
    for row in json.load(open(path))["benchmark_scenarios"]:
        m = {k: v.get("value") for k, v in row.get("measurements", {}).items()}
        lat = row.get("measurements", {}).get("latency_ms", {})
        print(f'{row["scenario_name"]:58s} {row["status"]:8s} median {lat.get("median", 0):.6f} ms '
              f'error {m.get("error_median_pct", float("nan")):+.3f}% (min {m.get("error_min_pct", float("nan")):+.3f}%) '
              f'overhead {m.get("harness_overhead_per_sample_us", float("nan")):.2f} us/sample '
              f'{row.get("reason", "")[:120]}')
PY
    tee -a "${summary}" <"${out}/calibration.txt"
    # The inference suite's GPU path after the engine's reorganisation (issue 26).
    nb_run inference-smoke --suite inference --models resnet50 --axis dtype=fp16 \
      --axis layout=channels_last --axis mode=eager,fused+graph --axis batch_size=1,32 --quick ||
      status=1
    grep -E '^\S+: \[' "${work}/logs/run-inference-smoke.log" | cut -c1-200 | tee -a "${summary}"
  elif [[ "${subset}" == byom-resnet50 ]]; then
    # Issue 28: torchvision's resnet50 as a user's .py file (models/torchvision_resnet50.py,
    # random weights) in fp16 at batch 1 and 256: eager PyTorch, torch.compile (default and
    # reduce-overhead), AOTInductor from C++ and its CUDA graph, each checked against eager;
    # beside it the zoo's resnet50 in fused+graph (GPU_CHECK_BATCHES narrows the batches).
    batches="${GPU_CHECK_BATCHES:-1 256}"
    nb_run byom-zoo --suite inference --models resnet50 --axis dtype=fp16 \
      --axis layout=channels_last --axis mode=fused+graph --axis batch_size="${batches// /,}" \
      --warmup 10 --iterations 50 || status=1
    nb_run byom-resnet50 --suite user-model --models torchvision_resnet50 --axis dtype=fp16 \
      --axis backend=pytorch,pytorch-compile,aot,aot+graph \
      --axis compile_mode=default,reduce-overhead --axis batch_size="${batches// /,}" \
      --warmup 10 --iterations 50 || status=1
    python3 scripts/gpu_table.py "${work}/results" >"${work}/byom-table.md" 2>&1 &&
      cat "${work}/byom-table.md" >>"${summary}"
    grep -E '^\S+: \[|^warning: \[' "${work}/logs/run-byom-resnet50.log" | cut -c1-260 |
      tee -a "${summary}"
  elif [[ "${subset}" == byom-llama ]]; then
    # Issue 28: a Llama checkpoint directory of Llama-2-7B's shapes with random weights, written
    # by transformers here, decoded by nnbench in kernel mode beside the llama2-7b preset.
    ckpt=/tmp/nnbench-llama2-7b-random
    t=${SECONDS}
    python3 - "${ckpt}" >"${work}/logs/write-checkpoint.log" 2>&1 <<'PY'
import sys, torch, transformers
config = transformers.LlamaConfig(
    vocab_size=32000, hidden_size=4096, intermediate_size=11008, num_hidden_layers=32,
    num_attention_heads=32, num_key_value_heads=32, max_position_embeddings=4096,
    rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=False)
torch.manual_seed(0)
torch.set_default_dtype(torch.float16)  # made in fp16 on the GPU: no 27 GB fp32 copy
with torch.device("cuda"):
    model = transformers.LlamaForCausalLM(config)
model.save_pretrained(sys.argv[1])
print("transformers", transformers.__version__, "parameters", sum(p.numel() for p in model.parameters()))
PY
    say "checkpoint: exit $? ($(elapsed $t)): $(tail -1 "${work}/logs/write-checkpoint.log")"
    ls -la "${ckpt}" | tee -a "${summary}"
    for model in "${ckpt}" llama2-7b; do
      nb_run "byom-$(basename "${model}")" --suite generation --models "${model}" \
        --axis dtype=fp16 --axis batch_size=1 --axis mode=kernel --option prompt_length=128 \
        --option generate=128 --warmup 2 --iterations 10 || status=1
    done
    python3 scripts/gpu_table.py "${work}/results" >"${work}/byom-table.md" 2>&1 &&
      cat "${work}/byom-table.md" >>"${summary}"
  elif [[ "${subset}" == gen ]]; then
    # The generation suite (issue 6): prompt 128, 128 new tokens, eager vs graph vs kernel.
    nb_run gen-gpt2 --suite generation --quick --models gpt2,gpt2-medium --axis dtype=fp16,bf16 \
      --axis batch_size=1,4,16 --option prompt_length=128 --option generate=128 || status=1
    nb_run gen-llama --suite generation --quick --models llama-1b,llama2-7b --axis dtype=fp16 \
      --axis batch_size=1,16 --option prompt_length=128 --option generate=128 || status=1
    nb_run gen-fp32 --suite generation --quick --models gpt2,llama-1b --axis dtype=fp32 \
      --axis batch_size=1 --option prompt_length=128 --option generate=128 || status=1
    python3 scripts/gpu_table.py "${work}/results" >"${work}/gen-table.md" 2>&1 &&
      cat "${work}/gen-table.md" >>"${summary}"
    # Too large: llama2-7b in fp32 at a batch whose cache cannot fit (exit 1 expected).
    nb_run gen-oom --suite generation --models llama2-7b --axis dtype=fp32 --axis batch_size=4096 \
      --axis mode=eager --iterations 1 --option prompt_length=128 --option generate=128
    [[ $? -eq 1 ]] || status=1
    grep -E 'out of device memory' "${work}/logs/run-gen-oom.log" | cut -c1-300 | tee -a "${summary}"
  elif [[ "${subset}" == verify ]]; then
    # A short re-check after a fix: the zoo at two batch sizes, the out-of-memory row.
    nb_run zoo --suite inference --quick --axis batch_size=1,128 --axis dtype=fp32,fp16 || status=1
  else
    # The inference suite (issue 5): the model zoo over batch sizes, dtypes, eager vs graph.
    nb_run zoo --suite inference --quick --axis batch_size=1,8,32,128,256 \
      --axis dtype=fp32,fp16,bf16 || status=1
    # Kernel choices for resnet50 at batch 32: channels_last, TF32, cuDNN autotuning.
    nb_run zoo-knobs --suite inference --quick --models resnet50 --axis batch_size=32 \
      --axis layout=contiguous,channels_last --axis tf32=off,on --axis cudnn_benchmark=on,off \
      --axis mode=eager || status=1
    # The MLP scaling table.
    nb_run mlp --include mlp_inference --quick --axis hidden_dim=256,512,1024 \
      --axis batch_size=1,32,256 --axis dtype=fp32,bf16 --axis mode=eager,graph || status=1
    # Cold L2 between samples.
    nb_run cold --suite inference --quick --models resnet50 --axis batch_size=1 \
      --option cold=true || status=1
  fi
  # Out of device memory: a failed row for the huge batch (exit 1 expected), the run goes on.
  if [[ "${subset}" != gen* && "${subset}" != cpulabel && "${subset}" != kernels &&
        "${subset}" != memory && "${subset}" != dist && "${subset}" != frameworks* &&
        "${subset}" != fusion && "${subset}" != aotgraph && "${subset}" != load &&
        "${subset}" != byom* ]]; then
    nb_run oom --suite inference --models vit_b_16 --axis batch_size=32768,1 --axis mode=eager \
      --iterations 3
    [[ $? -eq 1 ]] || status=1
    grep -E 'out of device memory|batch_size=1/' "${work}/logs/run-oom.log" | cut -c1-300 |
      tee -a "${summary}"
  fi
  if [[ "${subset}" != full ]]; then
    :
  elif [[ -f "${data}/train-images-idx3-ubyte.gz" ]]; then
    # The training suite (issue 4) on the GPU, with device memory peaks.
    nb_run train --suite dsl-vs-native --quick --option data="${data}" || status=1
    # simple_mlp on one CPU thread of this otherwise idle machine: dsl vs native within 2%?
    t=${SECONDS}
    "${build}/nnbench" run --suite dsl-vs-native --device cpu --threads 1 --models simple_mlp \
      --axis repetition=1,2,3,4 --epochs 3 --option data="${data}" \
      --output-dir "${work}/results" >"${work}/logs/run-train-cpu.log" 2>&1
    rc=$?; [[ ${rc} -ne 0 ]] && status=1
    say "run train-cpu (simple_mlp, 1 thread, 4 repetitions x 3 epochs): exit ${rc} ($(elapsed $t))"
    t=${SECONDS}
    "${build}/nnbench" run --suite dsl-vs-native --device cpu --models simple_mlp \
      --axis repetition=1,2,3,4 --epochs 3 --option data="${data}" \
      --output-dir "${work}/results" >"${work}/logs/run-train-cpu-threads.log" 2>&1
    rc=$?; [[ ${rc} -ne 0 ]] && status=1
    say "run train-cpu-threads (simple_mlp, $(nproc) threads, 4 repetitions x 3 epochs): exit ${rc} ($(elapsed $t))"
  else
    say "training suite: skipped, no Fashion-MNIST at ${data} (scripts/copy-fashion-mnist.sh, carry .data)"
  fi

  # Diagnostics of the host toolchain: which library binds std::filesystem::remove_all.
  [[ "${subset}" == verify ]] || {
    echo "== ldd nnbench (C++ runtime)"; ldd "${build}/nnbench" | grep -E 'stdc|gcc_s|torch_cpu'
    echo "== remove_all bindings in an engine test"
    LD_DEBUG=bindings "${build}/tests/nnbench_engine_tests" \
      --gtest_filter='IdxFiles.ReadIdx_AcceptsZeroSamples_WhenHeaderSaysZero' 2>&1 |
      grep -E 'remove_all|create_directories|temp_directory' | head -n 12
    echo "== a plain program"
    printf '#include <filesystem>\n#include <cstdio>\nint main(){namespace fs=std::filesystem; fs::create_directories("/tmp/nnb-fs/a/b"); std::printf("%%ju\\n",(unsigned long long)fs::remove_all("/tmp/nnb-fs"));}\n' >/tmp/fs.cpp
    g++ -std=c++20 -O2 /tmp/fs.cpp -o /tmp/fs && /tmp/fs; echo "plain program exit $?"
  } >"${work}/logs/diagnose.log" 2>&1
  [[ -f "${work}/logs/diagnose.log" ]] &&
    say "diagnostics: $(tr '\n' ' ' <"${work}/logs/diagnose.log" | cut -c1-600)"

  # The CPU labels last, in what is left of the budget: the GPU figures matter most here.
  t=${SECONDS}
  left=$((budget_s - SECONDS))
  if [[ "${subset}" == kernels || "${subset}" == memory || "${subset}" == dist ||
        "${subset}" == frameworks* || "${subset}" == fusion || "${subset}" == aotgraph ||
        "${subset}" == load ]]; then
    say "ctest unit+integration: not run in the ${subset} subset"
  elif [[ -n "${GPU_CHECK_TARGETS:-}" ]]; then
    # A trip that built only some targets has no test programs to run.
    say "ctest unit+integration: not run (GPU_CHECK_TARGETS built only: ${GPU_CHECK_TARGETS})"
  elif ((left > 30)); then
    timeout "${left}" ctest --test-dir "${build}" -LE gpu -j "${jobs}" --output-on-failure \
      --timeout 240 >"${work}/logs/ctest-cpu.log" 2>&1 || status=1
    say "ctest unit+integration: $(grep -E 'tests passed|tests failed' "${work}/logs/ctest-cpu.log" || echo "no summary (stopped after ${left} s)") ($(elapsed $t))"
    grep -E '^\s+[0-9]+ - .*\((Failed|Timeout|Not Run|SEGFAULT|Exception)' "${work}/logs/ctest-cpu.log" | tee -a "${summary}"
  else
    say "ctest unit+integration: not run, the ${budget_s} s budget is spent"; status=1
  fi
  # One line per variant of every run, from the per-benchmark JSON files.
  python3 "${root}/scripts/gpu_table.py" "${work}/results" 2>&1 | tee "${out}/table.txt" | tee -a "${summary}" >/dev/null
else
  say "no nnbench binary: tests and runs skipped"
fi

# --- pack: few files come back from the GPU machine -----------------------------------------------
tar -C "${work}" -czf "${out}/logs.tar.gz" logs
tar -C "${work}" -czf "${out}/results.tar.gz" results
rm -rf "${work}"
say "gpu-check: $([[ ${status} -eq 0 ]] && echo PASSED || echo FAILED); files in ${out}: $(ls "${out}" | tr '\n' ' ')"
exit ${status}
