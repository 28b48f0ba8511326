"""Prepares a user's model for the `user_model` benchmark's compiled backends: builds it from its
source (nnbench_model_source.py), runs it eagerly on the seeded example inputs as the reference,
then
  --target aot   exports it with torch.export and compiles it with AOTInductor into
                 OUT/model.pt2 (nnbench loads it from C++), and writes OUT/reference.pt: the
                 inputs and the eager outputs, torch.save'd as [[inputs...], [outputs...]] on
                 the CPU, for nnbench's check before timing;
  --target onnx  exports it with torch.onnx (the dynamo exporter) into OUT/model.onnx and writes
                 OUT/reference.npz (in0.., out0..: float32) for the ONNX Runtime worker.

Speaks the worker protocol: {"meta": {"compile_ms" | "export_ms": ..., "parameters": ...}} then
{"done": true}; {"input_error": ...} for a mistake in the user's model, {"skip": ...} when the
variant does not apply, {"unavailable": ...} when PyTorch or its compiler cannot be used here.
"""
import argparse
import os
import platform
import time

import nnbench_model_source as source_lib
import nnbench_worker_common as common


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    source_lib.add_model_arguments(parser)
    parser.add_argument("--target", choices=["aot", "onnx"], required=True)
    parser.add_argument("--max-autotune", action="store_true")
    parser.add_argument("--expect-torch", default="", help="LibTorch's version: must match")
    parser.add_argument("--out", required=True, help="the folder to write into")
    return parser.parse_args()


def main():
    args = parse_args()
    try:
        import torch
        import torch._inductor  # noqa: F401
    except Exception as error:
        return common.unavailable("torch", error)
    if common.other_torch_than(torch, args.expect_torch):
        return 0
    return source_lib.serve(args, torch,
                            lambda source, inputs: prepare(args, torch, source, inputs))


def prepare(args, torch, source, inputs):
    module = source.module
    with torch.no_grad():
        reference = source_lib.call(source, module, inputs)
    outputs = source_lib.output_tensors(torch, reference)
    os.makedirs(args.out, exist_ok=True)
    started = time.perf_counter()
    with torch.no_grad():
        try:
            exported = torch.export.export(module, inputs)
        except Exception as error:
            raise source_lib.ModelSourceError(
                f"{source.path or args.entry}: torch.export cannot capture the model (needed by "
                f"backend {args.target}): {source_lib.short(error)}") from error
        if args.target == "aot":
            configs = {"max_autotune": True} if args.max_autotune else {}
            torch._inductor.aoti_compile_and_package(
                exported, package_path=os.path.join(args.out, "model.pt2"),
                inductor_configs=configs)
        else:
            # One self-contained file where protobuf's 2 GiB limit allows: it can be copied
            # and given back to nnbench alone. Larger models keep their weights beside it.
            weight_bytes = sum(p.numel() * p.element_size() for p in module.parameters())
            torch.onnx.export(exported, (), os.path.join(args.out, "model.onnx"), dynamo=True,
                              verbose=False, external_data=weight_bytes > (1800 << 20))
    elapsed_ms = (time.perf_counter() - started) * 1e3
    common.stop_compile_workers()
    if args.target == "aot":
        torch.save([[t.detach().cpu() for t in inputs], [t.detach().cpu() for t in outputs]],
                   os.path.join(args.out, "reference.pt"))
    else:
        import numpy as np
        arrays = {f"in{i}": t.detach().cpu().numpy() for i, t in enumerate(inputs)}
        arrays.update({f"out{i}": t.detach().float().cpu().numpy() for i, t in enumerate(outputs)})
        np.savez(os.path.join(args.out, "reference.npz"), **arrays)
    common.emit({"meta": {"framework": "torch._inductor" if args.target == "aot" else "torch.onnx",
                          "version": torch.__version__, "python": platform.python_version(),
                          "parameters": source.parameter_count(),
                          ("compile_ms" if args.target == "aot" else "export_ms"): elapsed_ms}})
    common.emit({"done": True})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
