"""One self-contained HTML dashboard of nnbench runs: interactive Plotly charts and a sortable
table of every variant. Opens without a network: plotly.min.js (from PyPI's plotly package) is
inlined. DIR is a run directory (results/<timestamp>) or a results folder holding several runs,
which then share the page: a trace per run in every chart, a run column in the table.

Charts, per benchmark with a batch_size axis: throughput and median latency (with p95 as the
error bar's top) against batch size.

Every value from a result (a benchmark, variant or run name, a reason, a unit) is text, never
markup: in the page through html.escape, inside the inline <script> through script_json(), and in
Plotly's names and titles (which Plotly reads as a subset of HTML) through plotly_text().

Exit status 0, 1 when DIR holds no result file, 2 when a file cannot be read or is not a result
file, 3 when plotly is missing, 4 when FILE cannot be written, 5 on an internal error; every
failure is one line on stderr.

Usage: python3 scripts/dashboard.py DIR --out FILE
"""

import argparse
import collections
import html
import json
import pathlib
import sys

from nnbench_results import load_run, one_line, result_files, run_main

try:
    import plotly
except ImportError:
    print(f"dashboard: plotly is not installed in {sys.executable} "
          "(pip install -r requirements.txt, or scripts/setup-deps)", file=sys.stderr)
    sys.exit(3)

SORTER = """
document.querySelectorAll('table.sortable th').forEach(function (th, column) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0];
    var ascending = th.getAttribute('data-order') !== 'ascending';
    table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('data-order'); });
    th.setAttribute('data-order', ascending ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column].getAttribute('data-value'), y = b.cells[column].getAttribute('data-value');
      var nx = parseFloat(x), ny = parseFloat(y);
      var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
"""

STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.5em; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f3f3f3; cursor: pointer; user-select: none; }
th[data-order=ascending]::after { content: " \\25B2"; }
th[data-order=descending]::after { content: " \\25BC"; }
.chart { width: 100%; max-width: 1000px; height: 420px; }
.failed { color: #b00; } .muted { color: #777; }
"""


def script_json(value) -> str:
    """`value` as JSON to place inside a <script> element: `<`, `>` and `&` as \\u003c, \\u003e
    and \\u0026, so no `</script>` or `<!--` in a string can end or change the element, and
    U+2028 and U+2029 as escapes (line ends to older JavaScript)."""
    text = json.dumps(value)
    for character, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                              ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(character, escape)
    return text


def plotly_text(value) -> str:
    """`value` for a Plotly name, title or axis label, shown as written: Plotly renders a subset
    of HTML there (<a href>, <b>, <br>) and decodes &lt; &gt; &amp; and numeric entities, so those
    three are escaped, and `$` becomes &#36; (a text between two `$` is TeX where MathJax is
    loaded)."""
    return html.escape(str(value), quote=False).replace("$", "&#36;")


def runs_in(directory: pathlib.Path):
    """The run directories: DIR itself when it holds result files, else its subfolders that do."""
    if result_files(directory):
        return [directory]
    return sorted(p for p in directory.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and result_files(p))


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def cell(value, numeric=False, css=""):
    if value is None:
        return '<td data-value="">-</td>'
    if isinstance(value, float):
        text = f"{value:,.0f}" if abs(value) >= 10_000 else f"{value:.4g}"
    else:
        text = str(value)
    classes = " ".join(c for c in ("number" if numeric else "", css) if c)
    return (f'<td data-value="{html.escape(str(value))}"'
            f'{f" class={chr(34)}{classes}{chr(34)}" if classes else ""}>{html.escape(text)}</td>')


def figures(runs):
    """Plotly figure specs: (title, data, layout) per benchmark and metric."""
    series = collections.defaultdict(lambda: collections.defaultdict(list))
    for run_id, _run, _context, records in runs:
        for benchmark, s in records:
            x = number(s["variant"].get("batch_size"))
            m = s["measurements"]
            if s["status"] != "ok" or x is None or "latency_ms" not in m:
                continue
            rest = ", ".join(f"{k}={v}" for k, v in s["variant"].items() if k != "batch_size")
            label = f"{run_id}: {rest}" if len(runs) > 1 else (rest or "all")
            series[benchmark][label].append((x, m))
    specs = []
    for benchmark, lines in sorted(series.items()):
        if all(len(points) < 2 for points in lines.values()):
            continue
        throughput, latency = [], []
        unit = "items/s"
        for label, points in sorted(lines.items()):
            points.sort(key=lambda point: point[0])
            xs = [x for x, _ in points]
            if all("throughput" in m for _, m in points):
                unit = points[0][1]["throughput"]["unit"]
                throughput.append({"type": "scatter", "mode": "lines+markers",
                                   "name": plotly_text(label),
                                   "x": xs, "y": [m["throughput"]["value"] for _, m in points]})
            median = [m["latency_ms"].get("median", m["latency_ms"]["value"]) for _, m in points]
            p95 = [m["latency_ms"].get("p95", med) for (_, m), med in zip(points, median)]
            latency.append({"type": "scatter", "mode": "lines+markers",
                            "name": plotly_text(label), "x": xs,
                            "y": median,
                            "error_y": {"type": "data", "symmetric": False,
                                        "array": [hi - med for hi, med in zip(p95, median)],
                                        "arrayminus": [0] * len(xs)}})
        axis = {"type": "log", "title": {"text": "batch size"}, "dtick": 0.30102999566}
        if throughput:
            specs.append((f"{benchmark}: throughput vs batch size", throughput,
                          {"xaxis": axis,
                           "yaxis": {"title": {"text": plotly_text(f"throughput ({unit})")}}}))
        specs.append((f"{benchmark}: median latency vs batch size (bar to p95)", latency,
                      {"xaxis": axis, "yaxis": {"type": "log", "title": {"text": "latency (ms)"}}}))
    return specs


def table(runs):
    header = ["run", "benchmark", "variant", "status", "latency p50 (ms)", "p95", "p99",
              "throughput", "unit", "peak memory (MiB)", "reason"]
    rows = []
    for run_id, _run, _context, records in runs:
        for benchmark, s in records:
            m = s["measurements"]
            latency = m.get("latency_ms", {})
            peak = next((m[k]["value"] / 2**20 for k in ("device_peak_allocated_bytes",
                                                          "peak_rss_bytes") if k in m), None)
            status_css = "failed" if s["status"] == "failed" else ""
            rows.append("<tr>" + "".join([
                cell(run_id), cell(benchmark), cell(s["scenario_name"]),
                cell(s["status"], css=status_css),
                cell(latency.get("median", latency.get("value")), True),
                cell(latency.get("p95"), True), cell(latency.get("p99"), True),
                cell(m.get("throughput", {}).get("value"), True),
                cell(m.get("throughput", {}).get("unit")), cell(peak, True),
                cell(s.get("reason") or None, css="muted")]) + "</tr>")
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    return (f'<table class="sortable"><thead><tr>{head}</tr></thead><tbody>'
            + "\n".join(rows) + "</tbody></table>")


def page(runs) -> str:
    plotly_js = (pathlib.Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text()
    run_rows = "".join(
        f"<tr>{cell(run_id)}{cell(run.get('started_at'))}"
        f"{cell((context.get('git_commit') or '-')[:10])}{cell(context.get('hostname'))}"
        f"{cell(context.get('cpu_model'))}"
        f"{cell(', '.join(g.get('name', '') for g in context.get('gpus', [])) or 'no GPU')}</tr>"
        for run_id, run, context, _ in runs)
    charts, calls = [], []
    for index, (title, data, layout) in enumerate(figures(runs)):
        layout = dict(layout, title={"text": plotly_text(title)}, margin={"t": 50, "r": 20},
                      legend={"font": {"size": 10}})
        charts.append(f'<div id="chart{index}" class="chart"></div>')
        calls.append(f"Plotly.newPlot('chart{index}', {script_json(data)}, {script_json(layout)}, "
                     "{responsive: true});")
    count = sum(len(s) for *_, s in runs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>nnbench: {html.escape(', '.join(r[0] for r in runs))}</title>
<style>{STYLE}</style>
<script>{plotly_js}</script>
</head><body>
<h1>nnbench dashboard</h1>
<p>{len(runs)} run(s), {count} variant(s). Click a column header to sort.</p>
<h2>Runs</h2>
<table class="sortable"><thead><tr><th>run</th><th>started</th><th>commit</th><th>host</th>
<th>CPU</th><th>GPUs</th></tr></thead><tbody>{run_rows}</tbody></table>
<h2>Charts</h2>
{''.join(charts) or '<p class="muted">No benchmark here has two batch sizes.</p>'}
<h2>Variants</h2>
{table(runs)}
<script>{SORTER}
{chr(10).join(calls)}
</script>
</body></html>
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=pathlib.Path)
    parser.add_argument("--out", type=pathlib.Path, required=True)
    args = parser.parse_args()
    if not args.directory.is_dir():
        print(f"dashboard: {args.directory} is not a directory", file=sys.stderr)
        return 1
    folder = args.out.parent
    if not folder.is_dir():
        print(f"dashboard: cannot write {args.out}: folder {folder} does not exist",
              file=sys.stderr)
        return 4
    runs = []
    try:
        for run_dir in runs_in(args.directory):
            run, context, records = load_run(run_dir)
            runs.append((run["run_id"], run, context, records))
    except (OSError, ValueError) as error:
        print(f"dashboard: {one_line(error)}", file=sys.stderr)
        return 2
    if not runs:
        print(f"dashboard: {args.directory}: no run with result files here", file=sys.stderr)
        return 1
    text = page(runs)
    temporary = args.out.with_name(args.out.name + ".partial")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(args.out)  # whole or not at all
    except OSError as error:
        print(f"dashboard: cannot write {args.out}: {one_line(error.strerror or error)}",
              file=sys.stderr)
        return 4
    print(f"dashboard of {len(runs)} run(s): {args.out}")
    return 0


if __name__ == "__main__":
    run_main("dashboard", main)
