"""Reading nnbench result files (schema_version 1) for the plotting and dashboard scripts, and
the failure convention they share: every failure is one line on stderr, never a traceback."""

import json
import numbers
import pathlib
import sys


def one_line(text) -> str:
    """`text` on one line: a message may quote a value (a model path) that holds line breaks."""
    return " ".join(str(text).split())


def run_main(script: str, main) -> None:
    """Exits with main()'s status. An exception main() did not expect is printed as one line,
    "<script>: internal error: <type>: <message>", with status 5, never as a traceback."""
    try:
        status = main()
    except Exception as error:  # noqa: BLE001 - nnbench shows this line as its error
        print(f"{script}: internal error: {type(error).__name__}: {one_line(error)}",
              file=sys.stderr)
        status = 5
    sys.exit(status)


def result_files(run_dir: pathlib.Path):
    """The per-benchmark result files of a run directory, in name order."""
    return sorted(p for p in run_dir.glob("*.json") if p.name != "summary.json")


def _expect(condition, path, what):
    if not condition:
        raise ValueError(f"{path}: not an nnbench result file: {what}")


def _check_shape(path, data):
    """The fields the scripts read, with their types; ValueError naming the file and the field."""
    _expect(isinstance(data, dict), path, "the top level is not an object")
    _expect(data.get("schema_version") == 1, path,
            f"schema_version {data.get('schema_version')!r}, expected 1")
    for key in ("run", "context"):
        _expect(isinstance(data.get(key), dict), path, f"'{key}' is not an object")
    _expect(isinstance(data["run"].get("run_id"), str), path, "'run.run_id' is not a string")
    _expect(isinstance(data.get("benchmark"), str), path, "'benchmark' is not a string")
    scenarios = data.get("benchmark_scenarios")
    _expect(isinstance(scenarios, list), path, "'benchmark_scenarios' is not a list")
    for index, s in enumerate(scenarios):
        where = f"benchmark_scenarios[{index}]"
        _expect(isinstance(s, dict), path, f"{where} is not an object")
        for key in ("scenario_name", "status"):
            _expect(isinstance(s.get(key), str), path, f"{where}.{key} is not a string")
        _expect(s.get("reason") is None or isinstance(s["reason"], str), path,
                f"{where}.reason is not a string")
        for key, types in (("variant", (str, numbers.Real)), ("labels", str)):
            values = s.get(key)
            _expect(isinstance(values, dict) and all(isinstance(v, types) for v in values.values()),
                    path, f"{where}.{key} is not an object of strings")
        measurements = s.get("measurements")
        _expect(isinstance(measurements, dict), path, f"{where}.measurements is not an object")
        for name, metric in measurements.items():
            _expect(isinstance(metric, dict), path, f"{where}.measurements.{name} is not an object")
            _expect(isinstance(metric.get("unit", ""), str), path,
                    f"{where}.measurements.{name}.unit is not a string")
            for key in ("value", "median", "p95", "p99"):
                value = metric.get(key)
                _expect(value is None or isinstance(value, numbers.Real), path,
                        f"{where}.measurements.{name}.{key} is not a number")


def load_run(run_dir: pathlib.Path):
    """(run facts, context, [(benchmark, scenario)]) of every result file in run_dir.

    Raises FileNotFoundError when there is none, ValueError naming a file that cannot be read or
    does not have the shape of a result file.
    """
    files = result_files(run_dir)
    if not files:
        raise FileNotFoundError(f"{run_dir}: no result files (*.json) here")
    run, context, records = None, None, []
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"{path}: {one_line(error)}") from error
        _check_shape(path, data)
        run, context = run or data["run"], context or data["context"]
        records.extend((data["benchmark"], record) for record in data["benchmark_scenarios"])
    return run, context, records


def load_scenarios(run_dir: pathlib.Path):
    """Every ok variant record of the run: (benchmark, variant axes, labels, measurements)."""
    _run, _context, records = load_run(run_dir)
    return [(benchmark, s["variant"], s["labels"], s["measurements"])
            for benchmark, s in records if s["status"] == "ok"]
