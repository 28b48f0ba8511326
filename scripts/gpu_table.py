#!/usr/bin/env python3
"""One line per variant of every nnbench result directory under ROOT (default: results/), with
the figures a GPU run is judged by: median and p99 latency, throughput, capture time, device
peak, GPU utilisation, power, energy and clocks. Used by scripts/gpu-check.sh; runs anywhere.

Names and reasons are printed with control characters escaped (a line break or a terminal escape
in a model path stays on its line); a file that cannot be read is one line on stderr, and skipped.

Usage: scripts/gpu_table.py [ROOT]
"""
import json
import pathlib
import sys


def shown(text) -> str:
    """`text` for a terminal: every character that is not printable as its escape (\\n, \\x1b)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def figure(metrics, name, scale=1.0, digits=4):
    metric = metrics.get(name)
    if metric is None or metric.get("value") is None:
        return "-"
    return f"{metric['value'] * scale:.{digits}g}"


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "results")
    columns = ("p50_ms", "p99_ms", "samples/s", "capture_ms", "peak_MiB", "util%", "W",
               "J/iter", "SM_MHz")
    for path in sorted(root.glob("*/*.json")):
        if path.name == "summary.json":
            continue
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            scenarios = doc.get("benchmark_scenarios", [])
        except (OSError, UnicodeDecodeError, ValueError, AttributeError) as error:
            print(f"gpu_table: {shown(path)}: cannot read it: {shown(error)}", file=sys.stderr)
            continue
        print(f"== {shown(path.parent.name)}/{shown(path.name)}")
        print("variant | status | " + " | ".join(columns))
        for scenario in scenarios:
            metrics = {m: v for m, v in scenario.get("measurements", {}).items()}
            p99 = metrics.get("latency_ms", {}).get("p99")
            row = [
                figure(metrics, "latency_ms"),
                f"{p99:.4g}" if p99 is not None else "-",
                figure(metrics, "throughput", digits=5),
                figure(metrics, "compile_time_ms"),
                figure(metrics, "device_peak_allocated_bytes", 1 / 2**20),
                figure(metrics, "gpu_utilization_pct_mean", digits=3),
                figure(metrics, "gpu_power_w_mean", digits=3),
                figure(metrics, "energy_per_iteration_j", digits=3),
                figure(metrics, "gpu_sm_clock_mhz_min", digits=4) + "-" +
                figure(metrics, "gpu_sm_clock_mhz_max", digits=4),
            ]
            if "tpot_ms" in metrics:  # generation: the per-token figures and the bandwidth bound
                row += [f"ttft {figure(metrics, 'ttft_ms')} ms",
                        f"tpot {figure(metrics, 'tpot_ms')} ms",
                        f"decode {figure(metrics, 'decode_tokens_per_s', digits=5)} tok/s",
                        f"bound {figure(metrics, 'decode_bound_tokens_per_s', digits=5)} tok/s",
                        f"{figure(metrics, 'decode_fraction_of_bound', 100, 3)}% of bound",
                        f"copy {figure(metrics, 'copy_bandwidth_gb_s', digits=5)} GB/s"]
            status = scenario.get("status", "?")
            reason = scenario.get("reason") or ""
            print(f"{shown(scenario.get('scenario_name'))} | {shown(status)}"
                  f"{': ' + shown(reason) if reason else ''} | " + " | ".join(row))


if __name__ == "__main__":
    main()
