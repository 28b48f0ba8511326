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
# network), scripts/fetch-gpu-deps.sh downloads them here into .gpu-deps/; this script unpacks
# them with `dpkg -x` into /opt/nnbench-deps (never into /) and builds against that prefix.
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

# --- configure and build -------------------------------------------------------------------------
t=${SECONDS}
if cmake --preset cuda -DNNBENCH_PYTHON="$(command -v python3)" >"${work}/logs/configure.log" 2>&1; then
  say "configure: ok ($(elapsed $t))"
else
  say "configure: FAILED ($(elapsed $t))"; tail -30 "${work}/logs/configure.log" | tee -a "${summary}"
  status=1
fi
if [[ ${status} -eq 0 ]]; then
  t=${SECONDS}
  keep_going=(); [[ -f "${build}/Makefile" ]] && keep_going=(-- -k)
  if cmake --build "${build}" -j "${jobs}" "${keep_going[@]}" >"${work}/logs/build.log" 2>&1; then
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
  t=${SECONDS}
  timeout 240 ctest --test-dir "${build}" -L gpu -j 1 -V --timeout 120 \
    >"${work}/logs/ctest-gpu.log" 2>&1 || status=1
  say "ctest gpu: $(grep -E 'tests passed|tests failed' "${work}/logs/ctest-gpu.log" || echo 'no summary') ($(elapsed $t))"
  grep -E '^\s+[0-9]+ - .*\((Failed|Timeout|Not Run|SEGFAULT|Exception)' "${work}/logs/ctest-gpu.log" | tee -a "${summary}"
  # The GPU tests print their measured figures (event vs host time, NVML readings, energy).
  grep -E '^[0-9]+: (event|NVIDIA|[0-9]+ samples|latency)' "${work}/logs/ctest-gpu.log" | tee -a "${summary}"

  # --- quick GPU runs: the default suite, then a cold-cache run with a wider batch sweep ----------
  t=${SECONDS}
  "${build}/nnbench" run --device cuda --quick --output-dir "${work}/results" \
    >"${work}/logs/run-quick.log" 2>&1
  rc=$?; [[ ${rc} -ne 0 ]] && status=1
  say "nnbench run --device cuda --quick: exit ${rc} ($(elapsed $t))"
  tail -n 12 "${work}/logs/run-quick.log" | tee -a "${summary}"
  t=${SECONDS}
  "${build}/nnbench" run --device cuda --quick --axis batch_size=1,32,256 --axis dtype=fp32,bf16 \
    --option cold=true --output-dir "${work}/results" >"${work}/logs/run-cold.log" 2>&1
  rc=$?; [[ ${rc} -ne 0 ]] && status=1
  say "nnbench run --device cuda --quick --option cold=true (batch 1/32/256, fp32/bf16): exit ${rc} ($(elapsed $t))"
  tail -n 12 "${work}/logs/run-cold.log" | tee -a "${summary}"
  # The CPU labels last, in what is left of the budget: the GPU figures matter most here.
  t=${SECONDS}
  left=$((budget_s - SECONDS))
  if ((left > 30)); then
    timeout "${left}" ctest --test-dir "${build}" -LE gpu -j "${jobs}" --output-on-failure \
      --timeout 240 >"${work}/logs/ctest-cpu.log" 2>&1 || status=1
    say "ctest unit+integration: $(grep -E 'tests passed|tests failed' "${work}/logs/ctest-cpu.log" || echo "no summary (stopped after ${left} s)") ($(elapsed $t))"
    grep -E '^\s+[0-9]+ - .*\((Failed|Timeout|Not Run|SEGFAULT|Exception)' "${work}/logs/ctest-cpu.log" | tee -a "${summary}"
  else
    say "ctest unit+integration: not run, the ${budget_s} s budget is spent"; status=1
  fi
  # GPU metrics and notes of every variant, from the per-benchmark JSON files.
  python3 - "${work}/results" <<'PY' 2>&1 | tee -a "${summary}"
import json, pathlib, sys
names = ["latency_ms", "device_peak_allocated_bytes", "gpu_utilization_pct_mean", "gpu_power_w_mean",
         "gpu_power_w_max", "gpu_sm_clock_mhz_min", "gpu_sm_clock_mhz_max", "gpu_temperature_c_max",
         "energy_per_iteration_j", "gpu_monitor_samples"]
for path in sorted(pathlib.Path(sys.argv[1]).glob("*/mlp_inference.json")):
    doc = json.loads(path.read_text())
    print(f"== {path.parent.name}")
    for s in doc.get("benchmark_scenarios", []):
        metrics = {k: m["value"] for k, m in s.get("measurements", {}).items()}
        print(s.get("scenario_name"), s.get("status"), s.get("provenance", {}).get("timer_kind"),
              " ".join(f"{n}={metrics[n]:.4g}" for n in names if n in metrics))
        for note in s.get("provenance", {}).get("notes", []):
            print("   note:", note)
PY
else
  say "no nnbench binary: tests and runs skipped"
fi

# --- pack: few files come back from the GPU machine -----------------------------------------------
tar -C "${work}" -czf "${out}/logs.tar.gz" logs
tar -C "${work}" -czf "${out}/results.tar.gz" results
rm -rf "${work}"
say "gpu-check: $([[ ${status} -eq 0 ]] && echo PASSED || echo FAILED); files in ${out}: $(ls "${out}" | tr '\n' ' ')"
exit ${status}
