# Benchmarking Framework v2's README, "Output Format" and "Example Benchmark Results": reads
# every field the README documents from the files of a run, in the README's layout
# (benchmark_results/<model>/<model>_benchmark_<ts>.json, benchmark_summary.json,
# benchmark_run_<ts>.log). Exits non-zero on the first missing field.
import glob
import json
import os
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "benchmark_results"
files = sorted(glob.glob(os.path.join(root, "*", "*_benchmark_*.json")))
assert files, "no <model>/<model>_benchmark_<ts>.json"
assert os.path.isfile(os.path.join(root, "benchmark_summary.json"))
assert glob.glob(os.path.join(root, "benchmark_run_*.log"))
for path in files:
    model = os.path.basename(os.path.dirname(path))
    assert os.path.basename(path).startswith(model + "_benchmark_"), path
    data = json.load(open(path))
    print("model_name:", data["model_name"])
    for scenario in data["benchmark_scenarios"]:
        meta = scenario["metadata"]
        hw = meta["hardware_info"]
        m = scenario["measurements"]
        print(scenario["scenario_name"], meta["config"]["variant"],
              meta["config"]["warmup_iterations"], meta["config"]["measurement_iterations"],
              hw["gpu_name"], hw["gpu_memory_total"], hw["cpu_count"], meta["timestamp"],
              meta["commit_id"] is not None,
              "latency", m["latency"]["mean"], m["latency"]["median"], m["latency"]["std"],
              m["latency"]["min"], m["latency"]["max"], m["latency"]["p95"], m["latency"]["p99"],
              "ttft", m["time_to_first_token"]["mean"], m["time_to_first_token"]["std"],
              "tps", m["tokens_per_second"]["mean"], m["tokens_per_second"]["unit"],
              "gpu", scenario["gpu_metrics"]["gpu_utilization_mean"],
              scenario["gpu_metrics"]["gpu_memory_used_mean"])
print("scenarios read:", sum(len(json.load(open(p))["benchmark_scenarios"]) for p in files))
