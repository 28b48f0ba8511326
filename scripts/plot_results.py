"""Plots of one nnbench run directory, from its result files alone (schema_version 1).

Writes into OUT (default RUN_DIR/plots), each as PNG at 300 DPI and as SVG:
  throughput_vs_batch_<benchmark>   throughput against batch size, a line per other-axes combination
  latency_vs_batch_<benchmark>      p50 / p95 / p99 latency against batch size
  memory_<benchmark>                peak memory per variant (host RSS; device allocated / reserved)
  breakdown_<benchmark>             the memory suite's training step: parameters, gradients,
                                    optimizer state and activations stacked, the step's peak,
                                    and the inference peak beside
  scaling_<benchmark>               throughput, latency and peak memory against parameter count
                                    (log-log), each line labelled with its fitted log-log slope
and index.json: the plots written, with titles, for `nnbench report` to list in report.md.
A file name holds the benchmark name with every character outside [A-Za-z0-9._-] replaced by
`_` (and a short hash of the name when one was). Only variants with status ok are drawn. Every
text drawn goes through plain(): a name with `$` signs shows as written, never as mathtext.

Exit status 0, 1 when the directory holds no result file, 2 when a file cannot be read or is not
a result file, 3 when matplotlib is missing, 4 when OUT cannot be written, 5 on an internal
error; every failure is one line on stderr.

Usage: python3 scripts/plot_results.py RUN_DIR [--out DIR]
"""

import argparse
import collections
import hashlib
import json
import math
import pathlib
import re
import sys

from nnbench_results import load_scenarios, one_line, run_main

try:
    import matplotlib
except ImportError:
    print(f"plot_results: matplotlib is not installed in {sys.executable} "
          "(pip install -r requirements.txt, or scripts/setup-deps)", file=sys.stderr)
    sys.exit(3)

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

DPI = 300
SIZE_IN = (6.4, 4.0)


def plain(text) -> str:
    """`text` for matplotlib, shown as written: `$` escaped (a pair would start mathtext), and a
    leading `_` spaced (a legend leaves out labels that start with one)."""
    text = str(text).replace("$", r"\$")
    return " " + text if text.startswith("_") else text


def file_name(kind: str, benchmark: str) -> str:
    """`<kind>_<benchmark>`, a plain file name whatever the benchmark is called."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", benchmark)
    if safe != benchmark:
        safe += "-" + hashlib.sha1(benchmark.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{kind}_{safe}"


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def series_by(scenarios, x_axis):
    """benchmark -> {other-axes label: [(x, measurements)]} for scenarios with a numeric x_axis."""
    grouped = collections.defaultdict(lambda: collections.defaultdict(list))
    for benchmark, variant, _labels, measurements in scenarios:
        x = number(variant.get(x_axis))
        if x is None:
            continue
        rest = ", ".join(f"{k}={v}" for k, v in variant.items() if k != x_axis) or "all"
        grouped[benchmark][rest].append((x, measurements))
    for lines in grouped.values():
        for points in lines.values():
            points.sort(key=lambda point: point[0])
    return grouped


class Plots:
    def __init__(self, out: pathlib.Path):
        self.out = out
        self.index = []

    def save(self, figure, name: str, title: str):
        self.out.mkdir(parents=True, exist_ok=True)
        figure.tight_layout()
        for suffix in ("png", "svg"):
            figure.savefig(self.out / f"{name}.{suffix}", dpi=DPI, format=suffix)
        plt.close(figure)
        self.index.append({"name": name, "title": title, "png": f"{name}.png", "svg": f"{name}.svg"})


def figure(title, xlabel, ylabel, log_x=False, log_y=False):
    fig, ax = plt.subplots(figsize=SIZE_IN)
    ax.set_title(plain(title))
    ax.set_xlabel(plain(xlabel))
    ax.set_ylabel(plain(ylabel))
    decimal = FuncFormatter(lambda value, _position: f"{value:g}")
    if log_x:
        ax.set_xscale("log", base=2)
        ax.xaxis.set_major_formatter(decimal)
    if log_y:
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(decimal)
    ax.grid(True, which="both", alpha=0.3)
    return fig, ax


def finish_legend(ax):
    handles, _ = ax.get_legend_handles_labels()
    if handles:
        ax.legend(fontsize="x-small", loc="best")


def throughput_and_latency(plots: Plots, scenarios):
    for benchmark, lines in sorted(series_by(scenarios, "batch_size").items()):
        if all(len(points) < 2 for points in lines.values()):
            continue  # one batch size: nothing to draw a line through
        unit = next(m["throughput"]["unit"] for points in lines.values() for _, m in points
                    if "throughput" in m)
        fig, ax = figure(f"{benchmark}: throughput vs batch size", "batch size",
                         f"throughput ({unit})", log_x=True)
        for label, points in sorted(lines.items()):
            xs = [x for x, m in points if "throughput" in m]
            ys = [m["throughput"]["value"] for _, m in points if "throughput" in m]
            ax.plot(xs, ys, marker="o", label=plain(label))
        finish_legend(ax)
        plots.save(fig, file_name("throughput_vs_batch", benchmark),
                   f"{benchmark}: throughput vs batch size")

        fig, ax = figure(f"{benchmark}: latency percentiles vs batch size", "batch size",
                         "latency (ms)", log_x=True, log_y=True)
        styles = {"median": "-", "p95": "--", "p99": ":"}
        for index, (label, points) in enumerate(sorted(lines.items())):
            color = f"C{index % 10}"
            for key, style in styles.items():
                xs = [x for x, m in points if key in m.get("latency_ms", {})]
                ys = [m["latency_ms"][key] for _, m in points if key in m.get("latency_ms", {})]
                if xs:
                    name = "p50" if key == "median" else key
                    ax.plot(xs, ys, style, color=color, marker="o", markersize=3,
                            label=plain(f"{label} {name}"))
        finish_legend(ax)
        plots.save(fig, file_name("latency_vs_batch", benchmark),
                   f"{benchmark}: latency p50/p95/p99 vs batch size")


def label_variant_bars(ax, ticks, names, title):
    """Variant names under bars of memory in MiB: ticks, title, axis labels, grid, legend."""
    ax.set_xticks(ticks)
    ax.set_xticklabels([plain(name) for name in names], rotation=45, ha="right",
                       fontsize="x-small")
    ax.set_title(plain(title))
    ax.set_xlabel("variant")
    ax.set_ylabel("memory (MiB)")
    ax.grid(True, axis="y", alpha=0.3)
    finish_legend(ax)


MEMORY_METRICS = [("peak_rss_bytes", "host peak RSS"),
                  ("device_peak_allocated_bytes", "device peak allocated"),
                  ("device_peak_reserved_bytes", "device peak reserved")]


def memory(plots: Plots, scenarios):
    by_benchmark = collections.defaultdict(list)
    for benchmark, variant, _labels, measurements in scenarios:
        by_benchmark[benchmark].append((variant, measurements))
    for benchmark, rows in sorted(by_benchmark.items()):
        present = [(key, label) for key, label in MEMORY_METRICS
                   if any(key in m for _, m in rows)]
        if not present:
            continue
        names = ["/".join(str(v) for v in variant.values()) for variant, _ in rows]
        fig, ax = plt.subplots(figsize=(max(6.4, 0.35 * len(rows) + 2), 4.5))
        width = 0.8 / len(present)
        for i, (key, label) in enumerate(present):
            values = [m.get(key, {}).get("value", 0) / 2**20 for _, m in rows]
            ax.bar([j + i * width for j in range(len(rows))], values, width, label=label)
        label_variant_bars(ax, [j + width * (len(present) - 1) / 2 for j in range(len(rows))],
                           names, f"{benchmark}: peak memory per variant")
        plots.save(fig, file_name("memory", benchmark), f"{benchmark}: peak memory per variant")


def log_log_slope(xs, ys):
    """Least-squares slope of log(y) against log(x): 1 means proportional to the size."""
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mean_x, mean_y = sum(lx) / len(lx), sum(ly) / len(ly)
    spread = sum((x - mean_x) ** 2 for x in lx)
    if spread == 0:
        return float("nan")
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(lx, ly)) / spread


BREAKDOWN = [("parameter_bytes", "parameters"), ("gradient_bytes", "gradients"),
             ("optimizer_state_bytes", "optimizer state"),
             ("activation_bytes", "kept by forward (activations)")]


def breakdown(plots: Plots, scenarios):
    """The memory suite's training step as stacked bars, next to the inference peak."""
    by_benchmark = collections.defaultdict(list)
    for benchmark, variant, _labels, m in scenarios:
        if all(key in m for key, _ in BREAKDOWN):
            by_benchmark[benchmark].append((variant, m))
    for benchmark, rows in sorted(by_benchmark.items()):
        names = ["/".join(str(v) for v in variant.values()) for variant, _ in rows]
        fig, ax = plt.subplots(figsize=(max(6.4, 0.6 * len(rows) + 2), 4.5))
        positions = range(len(rows))
        bottom = [0.0] * len(rows)
        for key, label in BREAKDOWN:
            values = [m[key]["value"] / 2**20 for _, m in rows]
            ax.bar([p - 0.2 for p in positions], values, 0.4, bottom=bottom, label=label)
            bottom = [b + v for b, v in zip(bottom, values)]
        if all("inference_peak_bytes" in m for _, m in rows):
            ax.bar([p + 0.2 for p in positions],
                   [m["inference_peak_bytes"]["value"] / 2**20 for _, m in rows], 0.4,
                   label="inference peak", color="0.6")
        if all("training_step_peak_bytes" in m for _, m in rows):
            peaks = [(m["parameter_bytes"]["value"] + m["training_step_peak_bytes"]["value"]) / 2**20
                     for _, m in rows]
            ax.scatter([p - 0.2 for p in positions], peaks, marker="_", s=400, color="black",
                       zorder=3, label="training step peak (parameters + the step's highest)")
        label_variant_bars(ax, list(positions), names,
                           f"{benchmark}: training step memory vs inference")
        plots.save(fig, file_name("breakdown", benchmark),
                   f"{benchmark}: training step memory (stacked) and inference peak")


def memory_ratio(plots: Plots, scenarios):
    """Inference memory (parameters + a no-grad forward's peak) against the training step's
    (parameters + the step's peak) per variant, with training / inference written over each pair: NeuralLayers' "training overhead,
    typically 2-3x inference" as a figure."""
    by_benchmark = collections.defaultdict(list)
    for benchmark, variant, _labels, m in scenarios:
        if all(key in m for key in ("inference_peak_bytes", "training_step_peak_bytes",
                                    "parameter_bytes")):
            by_benchmark[benchmark].append((variant, m))
    for benchmark, rows in sorted(by_benchmark.items()):
        names = ["/".join(str(v) for v in variant.values()) for variant, _ in rows]
        # Both with the parameters they hold: each peak is measured above its start.
        inference = [(m["parameter_bytes"]["value"] + m["inference_peak_bytes"]["value"]) / 2**20
                     for _, m in rows]
        training = [(m["parameter_bytes"]["value"] + m["training_step_peak_bytes"]["value"]) / 2**20
                    for _, m in rows]
        fig, ax = plt.subplots(figsize=(max(6.4, 0.6 * len(rows) + 2), 4.5))
        positions = list(range(len(rows)))
        ax.bar([p - 0.2 for p in positions], inference, 0.4,
               label="inference (parameters + forward peak)")
        ax.bar([p + 0.2 for p in positions], training, 0.4,
               label="training step (parameters + step peak)")
        for p, low, high in zip(positions, inference, training):
            if low > 0:
                ax.annotate(f"{high / low:.1f}x", (p, max(low, high)), ha="center", va="bottom",
                            fontsize=8)
        ax.margins(y=0.12)  # room for the ratios under the title
        label_variant_bars(ax, positions, names,
                           f"{benchmark}: training vs inference memory (ratio above)")
        plots.save(fig, file_name("memory_ratio", benchmark),
                   f"{benchmark}: training step peak vs inference peak, with their ratio")


def scaling(plots: Plots, scenarios):
    """Throughput, latency and peak memory against parameter count, log-log, with slopes."""
    lines = collections.defaultdict(lambda: collections.defaultdict(list))
    for benchmark, variant, _labels, m in scenarios:
        if "parameter_count" not in m or "throughput" not in m:
            continue
        rest = ", ".join(f"{k}={v}" for k, v in variant.items()
                         if k not in ("hidden_dim", "model")) or "all"
        lines[benchmark][rest].append((m["parameter_count"]["value"], m))
    for benchmark, by_rest in sorted(lines.items()):
        if all(len({x for x, _ in points}) < 2 for points in by_rest.values()):
            continue  # one model size: no curve
        every = [m for points in by_rest.values() for _, m in points]
        panels = [("throughput", "throughput"), ("latency_ms", "latency (ms)")]
        # Peak memory: the device's where there is one, else the process's resident set.
        for key, label in (("device_peak_allocated_bytes", "device peak allocated (MiB)"),
                           ("peak_rss_bytes", "host peak RSS (MiB)")):
            if all(key in m for m in every):
                panels.append((key, label))
                break
        fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 4))
        for ax, (key, ylabel) in zip(axes, panels):
            scale = 2**20 if key.endswith("_bytes") else 1
            for label, points in sorted(by_rest.items()):
                points.sort(key=lambda point: point[0])
                xs = [x for x, _ in points]
                ys = [m[key]["value"] / scale for _, m in points]
                ax.plot(xs, ys, marker="o",
                        label=plain(f"{label} (slope {log_log_slope(xs, ys):.2f})"))
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel("parameters")
            unit = next(m[key]["unit"] for m in every)
            ax.set_ylabel(plain(f"{ylabel} ({unit})" if key == "throughput" else ylabel))
            ax.grid(True, which="both", alpha=0.3)
            finish_legend(ax)
        fig.suptitle(plain(f"{benchmark}: scaling with model size"))
        plots.save(fig, file_name("scaling", benchmark),
                   f"{benchmark}: throughput, latency and peak memory vs parameters")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=pathlib.Path)
    parser.add_argument("--out", type=pathlib.Path)
    args = parser.parse_args()
    try:
        scenarios = load_scenarios(args.run_dir)
    except FileNotFoundError as error:
        print(f"plot_results: {one_line(error)}", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"plot_results: {one_line(error)}", file=sys.stderr)
        return 2
    plots = Plots(args.out or args.run_dir / "plots")
    try:
        throughput_and_latency(plots, scenarios)
        memory(plots, scenarios)
        breakdown(plots, scenarios)
        memory_ratio(plots, scenarios)
        scaling(plots, scenarios)
        plots.out.mkdir(parents=True, exist_ok=True)
        (plots.out / "index.json").write_text(json.dumps(plots.index, indent=2) + "\n")
    except OSError as error:
        print(f"plot_results: cannot write {error.filename or plots.out}: "
              f"{one_line(error.strerror or error)}", file=sys.stderr)
        return 4
    print(f"{len(plots.index)} plot(s) in {plots.out}")
    return 0


if __name__ == "__main__":
    run_main("plot_results", main)
