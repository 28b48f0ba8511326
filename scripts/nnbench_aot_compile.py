"""Makes the AOTInductor package (.pt2) behind the inference suite's `aot` mode.

nnbench writes the model's PyTorch definition (the language's `--emit pytorch` output, or
nnbench_zoo_models.py for the native zoo models) and its weights; this script builds the module,
copies the weights in (parameters, then buffers other than BatchNorm's batch counters, in
registration order, each shape checked), exports the inference forward with torch.export and compiles it with
torch._inductor.aoti_compile_and_package for one device, dtype and batch size. nnbench loads
the package from C++ (torch::inductor::AOTIModelPackageLoader).

Speaks the worker protocol of nnbench_worker_common.py: {"meta": {...compile_ms...}} then
{"done": true}, or {"unavailable": REASON} when PyTorch or its compiler cannot be used here.
"""
import argparse
import json
import platform
import time

import nnbench_worker_common as common


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--module", required=True, help="the model's PyTorch definition (.py)")
    parser.add_argument("--network", required=True, help="the class or function building it")
    parser.add_argument("--kwargs", default="{}", help="JSON keyword arguments of --network")
    parser.add_argument("--weights", required=True, help="raw float32 values, back to back")
    parser.add_argument("--shapes", required=True, help="one tensor shape per line")
    parser.add_argument("--input-shape", required=True, help="one sample, e.g. 3,224,224")
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--dtype", choices=["fp32", "fp16", "bf16"], default="fp32")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--channels-last", action="store_true")
    parser.add_argument("--max-autotune", action="store_true")
    parser.add_argument("--expect-torch", default="", help="LibTorch's version: must match")
    parser.add_argument("--out", required=True, help="the .pt2 to write")
    return parser.parse_args()


def inference_module(model, torch):
    """The inference forward: predict() where the language's module has one."""

    class Inference(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, x):
            predict = getattr(self.model, "predict", None)
            return predict(x) if predict is not None else self.model(x)

    return Inference()


def copy_weights(model, weights_path, shapes_path, torch):
    shapes = [[int(d) for d in line.split(",") if d] for line in open(shapes_path) if line.strip()]
    tensors = list(model.parameters()) + [
        b for name, b in model.named_buffers() if not name.endswith("num_batches_tracked")]
    if len(tensors) != len(shapes):
        raise SystemExit(f"weights: the definition has {len(tensors)} tensors, nnbench sent "
                         f"{len(shapes)}")
    with open(weights_path, "rb") as f:
        flat = torch.frombuffer(bytearray(f.read()), dtype=torch.float32)
    offset = 0
    with torch.no_grad():
        for index, (tensor, shape) in enumerate(zip(tensors, shapes)):
            if list(tensor.shape) != shape:
                raise SystemExit(f"weights: tensor {index} is {list(tensor.shape)} in the "
                                 f"definition, {shape} in nnbench's model")
            tensor.copy_(flat[offset:offset + tensor.numel()].view(tensor.shape))
            offset += tensor.numel()
    if offset != flat.numel():
        raise SystemExit(f"weights: {flat.numel() - offset} values left over")


def main():
    args = parse_args()
    try:
        import torch
        import torch._inductor  # noqa: F401  (the compiler ships with PyTorch 2.x)
    except Exception as error:
        return common.unavailable(
            "torch._inductor", error,
            "install torch with `make setup` (pinned in requirements.txt) or name a Python "
            "that has it with --option python=PATH")
    if common.other_torch_than(torch, args.expect_torch):
        return 0
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        common.emit({"unavailable": "python's torch sees no CUDA device"})
        return 0

    definition = common.load_module(args.module)
    torch.manual_seed(0)  # the weights are replaced below
    model = getattr(definition, args.network)(**json.loads(args.kwargs))
    copy_weights(model, args.weights, args.shapes, torch)
    dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[args.dtype]
    device = torch.device(args.device)
    model = inference_module(model, torch).to(device=device, dtype=dtype).eval()
    shape = [args.batch] + [int(d) for d in args.input_shape.split(",")]
    example = torch.randn(shape, device=device, dtype=dtype)
    if args.channels_last and example.dim() == 4:
        model = model.to(memory_format=torch.channels_last)
        example = example.contiguous(memory_format=torch.channels_last)

    started = time.perf_counter()
    with torch.no_grad():
        exported = torch.export.export(model, (example,))
        configs = {"max_autotune": True} if args.max_autotune else {}
        torch._inductor.aoti_compile_and_package(exported, package_path=args.out,
                                                 inductor_configs=configs)
    compile_ms = (time.perf_counter() - started) * 1e3
    common.stop_compile_workers()
    common.emit({"meta": {"framework": "torch._inductor", "version": torch.__version__,
                          "python": platform.python_version(), "compile_ms": compile_ms}})
    common.emit({"done": True})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
