"""nnbench's worker for a user's model in PyTorch's own runtime (the `user_model` benchmark's
backends `pytorch` and `pytorch-compile`): builds the model from its source
(nnbench_model_source.py), runs it eagerly on the example inputs as the reference, then times
one forward call per sample, eagerly or under torch.compile in the asked mode. With a compiler
the first call (reported apart as first_call_ms) is the compilation, and its output is compared
with the eager reference (meta relative_difference_vs_eager) before anything is timed.

Speaks the worker protocol of nnbench_worker_common.py; a mistake in the user's model is
{"input_error": ...}, a variant that does not apply (an ExportedProgram's fixed batch) {"skip"}.
"""
import sys

import nnbench_model_source as source_lib
import nnbench_worker_common as common


def parse_args():
    import argparse
    parser = argparse.ArgumentParser(description=__doc__)
    source_lib.add_model_arguments(parser)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--compile-mode", default="",
                        help="torch.compile's mode (default, reduce-overhead, max-autotune); "
                             "empty: eager")
    return parser.parse_args()


def main():
    args = parse_args()
    try:
        import torch
    except Exception as error:
        return common.unavailable("torch", error)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    return source_lib.serve(args, torch, lambda source, inputs: run(args, torch, source, inputs))


def run(args, torch, source, inputs):
    module = source.module
    device = torch.device(args.device)

    def synchronize():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    with torch.inference_mode():
        reference = source_lib.call(source, module, inputs)
        synchronize()
    common.emit({"meta": common.base_meta(
        "pytorch", torch.__version__, source.parameter_count(), str(device),
        "time.perf_counter_ns around one call"
        + (", torch.cuda.synchronize before and after" if device.type == "cuda" else ""),
        threads=torch.get_num_threads(), compile_mode=args.compile_mode or "eager")})

    forward = module
    if args.compile_mode:
        forward = torch.compile(module, mode=args.compile_mode)

    def iteration():
        return forward(*inputs)

    def check_first(output):
        # reduce-overhead replays CUDA graphs whose outputs the next replay overwrites: compare
        # now, before the warm-up.
        if args.compile_mode:
            common.stop_compile_workers()
            difference = source_lib.relative_difference(torch, output, reference)
            common.emit({"meta": {"relative_difference_vs_eager": difference}})

    # The eager reference ran above: an exception from here on is the backend's, not the model's.
    with torch.inference_mode():
        common.measure(args, iteration, synchronize, check_first)
    common.emit({"done": True})
    return 0


if __name__ == "__main__":
    sys.exit(main())
