"""nnbench's worker for the `user_model` benchmark's backend `onnxruntime`: runs an ONNX model
with ONNX Runtime's CPU execution provider at the asked graph optimisation level and thread
count, and times one InferenceSession.run per sample (time.perf_counter_ns; run returns when
the outputs are computed).

Inputs and the check before timing:
  --reference FILE.npz  (a model nnbench exported itself): the inputs (in0, in1, ...) and eager
                        PyTorch's outputs (out0, ...); the first run's outputs are compared with
                        them (meta relative_difference_vs_eager).
  otherwise             (a user's .onnx file): seeded random inputs of the model's declared
                        types and shapes (a named dimension takes --batch), and the reference is
                        the same model run with every graph optimisation disabled (meta
                        relative_difference_vs_unoptimized).

Speaks the worker protocol of nnbench_worker_common.py.
"""
import argparse
import sys
import time

import nnbench_worker_common as common

LEVELS = {"disabled": "ORT_DISABLE_ALL", "basic": "ORT_ENABLE_BASIC",
          "extended": "ORT_ENABLE_EXTENDED", "all": "ORT_ENABLE_ALL"}
NUMPY_TYPES = {"tensor(float)": "float32", "tensor(double)": "float64",
               "tensor(float16)": "float16", "tensor(int64)": "int64", "tensor(int32)": "int32",
               "tensor(bool)": "bool", "tensor(uint8)": "uint8", "tensor(int8)": "int8"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--onnx", required=True)
    parser.add_argument("--reference", default="")
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--optimization", choices=sorted(LEVELS), default="all")
    parser.add_argument("--threads", type=int, default=0, help="intra-op threads (0: ORT's)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=10)
    return parser.parse_args()


def session(ort, path, level, threads):
    options = ort.SessionOptions()
    options.graph_optimization_level = getattr(ort.GraphOptimizationLevel, LEVELS[level])
    if threads > 0:
        options.intra_op_num_threads = threads
    return ort.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])


def random_inputs(np, model, batch, seed):
    rng = np.random.default_rng(seed)
    feeds = {}
    for spec in model.get_inputs():
        if spec.type not in NUMPY_TYPES:
            raise ValueError(f"input {spec.name} has type {spec.type}, which nnbench cannot make")
        shape = [d if isinstance(d, int) and d > 0 else batch for d in spec.shape]
        kind = NUMPY_TYPES[spec.type]
        if kind.startswith("float"):
            feeds[spec.name] = rng.standard_normal(shape).astype(kind)
        elif kind == "bool":
            feeds[spec.name] = rng.integers(0, 2, shape).astype(bool)
        else:
            feeds[spec.name] = rng.integers(0, 100, shape).astype(kind)
    return feeds


def relative_difference(np, outputs, reference):
    if len(outputs) != len(reference):
        return float("inf")
    worst = 0.0
    for got, want in zip(outputs, reference):
        got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
        if got.shape != want.shape:
            return float("inf")
        if want.size:
            scale = max(float(np.abs(want).max()), 1e-30)
            worst = max(worst, float(np.abs(got - want).max()) / scale)
    return worst


def main():
    args = parse_args()
    try:
        import numpy as np
        import onnxruntime as ort
    except Exception as error:
        return common.unavailable("onnxruntime", error)
    try:
        model = session(ort, args.onnx, args.optimization, args.threads)
    except Exception as error:
        common.emit({"input_error": f"{args.onnx}: ONNX Runtime {ort.__version__} cannot load "
                                    f"it: {str(error).splitlines()[0][:400]}"})
        return 0
    names = [spec.name for spec in model.get_inputs()]
    if args.reference:
        stored = np.load(args.reference)
        feeds = {name: stored[f"in{i}"] for i, name in enumerate(names)}
        reference = [stored[f"out{i}"] for i in range(len(model.get_outputs()))]
        check = "relative_difference_vs_eager"
    else:
        try:
            feeds = random_inputs(np, model, args.batch, args.seed)
        except ValueError as error:
            common.emit({"input_error": f"{args.onnx}: {error}"})
            return 0
        reference = session(ort, args.onnx, "disabled", args.threads).run(None, feeds)
        check = "relative_difference_vs_unoptimized"
    common.emit({"meta": common.base_meta(
        "onnxruntime", ort.__version__, 0, "cpu", "time.perf_counter_ns around one "
        "InferenceSession.run (CPU execution provider)", optimization=args.optimization,
        threads=args.threads, inputs=", ".join(f"{n} {list(feeds[n].shape)} {feeds[n].dtype}"
                                               for n in names))})

    def iteration():
        return model.run(None, feeds)

    def check_first(outputs):
        common.emit({"meta": {check: relative_difference(np, outputs, reference)}})

    common.measure(args, iteration, lambda: None, check_first)
    common.emit({"done": True})
    return 0


if __name__ == "__main__":
    sys.exit(main())
