"""nnbench's worker for the `pytorch` backend: runs a model that `nnbench compile --emit pytorch`
wrote, in PyTorch's own Python runtime, and streams what it measured to nnbench as JSON lines on
standard output (nnbench computes every statistic itself):

  {"meta": {"framework": "pytorch", "version": ..., "parameters": N, ...}}
  {"sample_ns": T}            one per measured iteration, in order
  {"done": true}
  {"unavailable": REASON}     instead of all of the above, when PyTorch cannot be imported

Each sample is time.perf_counter_ns() around one call, with torch.cuda.synchronize() before and
after on a CUDA device. The first call is reported apart (meta first_call_ms: with --compile,
torch.compile's compilation), then warm-up iterations are run and not reported. Anything else goes to
standard error.
"""
import argparse
import importlib.util
import json
import platform
import sys
import time


def emit(record):
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--module", required=True, help="the generated .py file")
    parser.add_argument("--network", required=True, help="the nn.Module class in it")
    parser.add_argument("--mode", choices=["inference", "train"], default="inference")
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", choices=["fp32", "fp16", "bf16"], default="fp32")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--compile", action="store_true",
                        help="torch.compile the model (TorchInductor); the first call compiles")
    args = parser.parse_args()

    try:
        import torch
    except Exception as error:  # the framework is missing or broken: not a failure of the model
        emit({"unavailable": f"cannot import torch with {sys.executable}: {error}"})
        return 0

    spec = importlib.util.spec_from_file_location("nnbench_generated", args.module)
    generated = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generated)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[args.dtype]
    device = torch.device(args.device)
    torch.manual_seed(args.seed)
    model = getattr(generated, args.network)().to(device=device, dtype=dtype)
    inputs = generated.example_input(args.batch).to(device=device, dtype=dtype)

    def synchronize():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    if args.mode == "inference":
        model.eval()
        context = torch.inference_mode()
        predict = torch.compile(model.predict) if args.compile else model.predict

        def iteration():
            predict(inputs)
    else:
        model.train()
        context = torch.enable_grad()
        optimizer = generated.make_optimizer(model)
        target = generated.example_target(model(inputs)).to(device)
        forward = torch.compile(model) if args.compile else model

        def iteration():
            optimizer.zero_grad()
            loss = generated.compute_loss(forward(inputs), target)
            loss.backward()
            optimizer.step()

    emit({"meta": {
        "framework": "pytorch",
        "version": torch.__version__,
        "python": platform.python_version(),
        "parameters": sum(p.numel() for p in model.parameters()),
        "device": str(device),
        "threads": torch.get_num_threads(),
        "timer": "time.perf_counter_ns around one call"
                 + (", torch.cuda.synchronize before and after" if device.type == "cuda" else ""),
    }})
    with context:
        # The first call is timed apart: with --compile it is the compilation.
        start = time.perf_counter_ns()
        iteration()
        synchronize()
        emit({"meta": {"first_call_ms": (time.perf_counter_ns() - start) / 1e6,
                       "compiled": bool(args.compile)}})
        for _ in range(args.warmup):
            iteration()
        synchronize()
        for _ in range(args.iterations):
            start = time.perf_counter_ns()
            iteration()
            synchronize()
            emit({"sample_ns": time.perf_counter_ns() - start})
    emit({"done": True})
    return 0


if __name__ == "__main__":
    sys.exit(main())
