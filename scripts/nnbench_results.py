"""Reading nnbench result files (schema_version 1) for the plotting and dashboard scripts."""

import json
import pathlib


def result_files(run_dir: pathlib.Path):
    """The per-benchmark result files of a run directory, in name order."""
    return sorted(p for p in run_dir.glob("*.json") if p.name != "summary.json")


def load_run(run_dir: pathlib.Path):
    """(run facts, context, [(benchmark, scenario)]) of every result file in run_dir.

    Raises FileNotFoundError when there is none, ValueError naming a file that cannot be read.
    """
    files = result_files(run_dir)
    if not files:
        raise FileNotFoundError(f"{run_dir}: no result files (*.json) here")
    run, context, records = None, None, []
    for path in files:
        try:
            data = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as error:
            raise ValueError(f"{path}: {error}") from error
        if data.get("schema_version") != 1:
            raise ValueError(f"{path}: schema_version {data.get('schema_version')!r}, expected 1")
        run, context = run or data["run"], context or data["context"]
        records.extend((data["benchmark"], record) for record in data["benchmark_scenarios"])
    return run, context, records


def load_scenarios(run_dir: pathlib.Path):
    """Every ok variant record of the run: (benchmark, variant axes, labels, measurements)."""
    _run, _context, records = load_run(run_dir)
    return [(benchmark, s["variant"], s["labels"], s["measurements"])
            for benchmark, s in records if s["status"] == "ok"]
