"""nnbench's worker for the `pytorch` and `pytorch-compile` backends: runs a model that
`nnbench compile --emit pytorch` wrote, in PyTorch's own Python runtime, and streams what it
measured to nnbench as JSON lines (protocol and modes: nnbench_worker_common.py).

Each sample is time.perf_counter_ns() around one call, with torch.cuda.synchronize() before and
after on a CUDA device. With --compile the model runs under torch.compile and the first call
(reported apart as first_call_ms) is the compilation.
"""
import sys

import nnbench_worker_common as common


def main():
    args = common.parse_args(__doc__, lambda parser: parser.add_argument(
        "--compile", action="store_true",
        help="torch.compile the model (TorchInductor); the first call compiles"))
    try:
        import torch
    except Exception as error:  # the framework is missing or broken: not a failure of the model
        return common.unavailable("torch", error)

    generated = common.load_module(args.module)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[args.dtype]
    device = torch.device(args.device)
    torch.manual_seed(args.seed)
    model = getattr(generated, args.network)().to(device=device, dtype=dtype)

    def synchronize():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    common.emit({"meta": common.base_meta(
        "pytorch", torch.__version__, sum(p.numel() for p in model.parameters()), str(device),
        "time.perf_counter_ns around one call"
        + (", torch.cuda.synchronize before and after" if device.type == "cuda" else ""),
        threads=torch.get_num_threads(), compiled=bool(args.compile))})

    if args.mode == "epoch":
        run_epochs(args, torch, generated, model, device, dtype)
        common.emit({"done": True})
        return 0

    inputs = generated.example_input(args.batch).to(device=device, dtype=dtype)
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

    with context:
        # With --compile the first call compiles: Inductor's compile processes end after it.
        common.measure(args, iteration, synchronize,
                       (lambda _: common.stop_compile_workers()) if args.compile else None)
    common.emit({"done": True})
    return 0


def run_epochs(args, torch, generated, model, device, dtype):
    data = common.Data(args.data, args.train_limit, args.test_limit)
    images = torch.from_numpy(data.train_images).to(device=device, dtype=dtype)
    labels = torch.from_numpy(data.train_labels).to(device)
    optimizer = generated.make_optimizer(model)
    forward = torch.compile(model) if args.compile else model

    def train_epoch(order):
        model.train()
        total = torch.zeros((), device=device)
        for index in common.batches(torch.from_numpy(order).to(device), args.batch):
            optimizer.zero_grad()
            loss = generated.compute_loss(forward(images[index]), labels[index])
            loss.backward()
            optimizer.step()
            total += loss.detach() * len(index)
        return total.item() / len(order)

    def accuracy(test_images, test_labels):
        model.eval()
        correct = 0
        with torch.inference_mode():
            for start in range(0, len(test_labels), 1024):
                x = torch.from_numpy(test_images[start:start + 1024]).to(device=device, dtype=dtype)
                y = torch.from_numpy(test_labels[start:start + 1024]).to(device)
                correct += (model(x).argmax(dim=-1) == y).sum().item()
        return correct / max(len(test_labels), 1)

    common.train_epochs(args, train_epoch, accuracy, data)


if __name__ == "__main__":
    sys.exit(main())
