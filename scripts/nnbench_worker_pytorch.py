"""nnbench's worker for the `pytorch` and `pytorch-compile` backends: runs a model that
`nnbench compile --emit pytorch` wrote, in PyTorch's own Python runtime, and streams what it
measured to nnbench as JSON lines (protocol and modes: nnbench_worker_common.py).

Each sample is time.perf_counter_ns() around one call, with torch.cuda.synchronize() before and
after on a CUDA device. With --compile the model runs under torch.compile and the first call
(reported apart as first_call_ms) is the compilation. With --handwritten NAME (epoch mode) the
model trained is the hand-written one of nnbench_handwritten_pytorch.py, with its own loss and
optimizer; it starts from the generated model's initial parameters (the same seed makes the same
draws in both, checked: meta initial_state) and dropout draws from the same seeded generator.
"""
import copy
import sys
import time

import nnbench_worker_common as common


def main():
    def extra(parser):
        parser.add_argument("--compile", action="store_true",
                            help="torch.compile the model (TorchInductor); the first call compiles")
        common.add_handwritten_argument(parser)

    args = common.parse_args(__doc__, extra)
    if args.handwritten and args.mode != "epoch":
        print("--handwritten trains: it needs --mode epoch", file=sys.stderr)
        return 2
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
    trainee = data = None
    if args.mode == "epoch":
        data = common.Data(args.data, args.train_limit, args.test_limit)
        trainee = epoch_trainee(args, torch, generated, model, device, dtype,
                                data.train_images[:64])
        model = trainee.model

    def synchronize():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    common.emit({"meta": common.base_meta(
        "pytorch", torch.__version__, sum(p.numel() for p in model.parameters()), str(device),
        "time.perf_counter_ns around one call"
        + (", torch.cuda.synchronize before and after" if device.type == "cuda" else ""),
        threads=torch.get_num_threads(), compiled=bool(args.compile),
        **(trainee.meta if trainee else {}))})

    if args.mode == "epoch":
        run_epochs(args, torch, trainee, data, device, dtype)
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


class Trainee:
    """What epoch mode trains: the model, its loss(output, target) and make_optimizer(model)."""

    def __init__(self, model, loss, make_optimizer, meta):
        self.model, self.loss, self.make_optimizer, self.meta = model, loss, make_optimizer, meta


def epoch_trainee(args, torch, generated, reference, device, dtype, images):
    """The model epoch mode trains: the generated one, or with --handwritten its hand-written
    twin, built (timed: build_time_ms) after the generated `reference`, alike for both, with the
    same seed; it takes the reference's initial parameters (in order, shapes checked), so that
    both implementations start from the same point, and must compute the reference's function on
    `images` (meta initial_max_abs_diff). meta initial_state says whether the seed had drawn the
    parameters alike already."""
    if args.handwritten:
        import nnbench_handwritten_pytorch as handwritten
        make, loss, make_optimizer = (handwritten.MODELS[args.handwritten], handwritten.loss_fn,
                                      handwritten.make_optimizer)
    else:
        make, loss, make_optimizer = (getattr(generated, args.network), generated.compute_loss,
                                      generated.make_optimizer)
    torch.manual_seed(args.seed)
    start = time.perf_counter_ns()
    model = make().to(device=device, dtype=dtype)
    build_ms = (time.perf_counter_ns() - start) / 1e6
    ours, theirs = list(model.parameters()), list(reference.parameters())
    if [p.shape for p in ours] != [p.shape for p in theirs]:
        raise ValueError(f"hand-written {args.handwritten} has parameters "
                         f"{[tuple(p.shape) for p in ours]}, the language's "
                         f"{[tuple(p.shape) for p in theirs]}")
    same = all(torch.equal(a, b) for a, b in zip(ours, theirs))
    with torch.no_grad():
        for a, b in zip(ours, theirs):
            a.copy_(b)
    reference.eval()
    model.eval()
    with torch.inference_mode():
        x = torch.from_numpy(images).to(device=device, dtype=dtype)
        difference = (torch.softmax(model(x).float(), -1) -
                      torch.softmax(reference(x).float(), -1)).abs().max().item()
    if not difference < 1e-4:
        raise ValueError(f"the {'hand-written' if args.handwritten else 'generated'} model does "
                         f"not compute the language model's function from its initial state: max "
                         f"abs difference {difference:g} of the probabilities")
    return Trainee(model, loss, make_optimizer, {
        "initial_max_abs_diff": difference,
        "implementation": "hand-written" if args.handwritten else "generated",
        "build_time_ms": build_ms,
        "initial_state": "the language model's: the same seed drew the same parameters" if same
        else "the language model's, copied (the same seed drew others)"})


def run_epochs(args, torch, trainee, data, device, dtype):
    images = torch.from_numpy(data.train_images).to(device=device, dtype=dtype)
    labels = torch.from_numpy(data.train_labels).to(device)
    model, compute_loss = trainee.model, trainee.loss
    forward = torch.compile(model) if args.compile else model
    warm_up(args, torch, trainee, forward, images, labels)
    optimizer = trainee.make_optimizer(model)
    # Dropout draws from here on are the same in every run of this seed, whatever the model's
    # construction drew (as the LibTorch back end does).
    torch.manual_seed(args.seed)

    def train_epoch(order):
        model.train()
        total = torch.zeros((), device=device)
        for index in common.batches(torch.from_numpy(order).to(device), args.batch):
            optimizer.zero_grad()
            loss = compute_loss(forward(images[index]), labels[index])
            loss.backward()
            optimizer.step()
            total += loss.detach() * len(index)
        return total.item() / len(order)

    def evaluate(test_images, test_labels):
        model.eval()
        correct, total_loss = 0, 0.0
        with torch.inference_mode():
            for start in range(0, len(test_labels), 1024):
                x = torch.from_numpy(test_images[start:start + 1024]).to(device=device, dtype=dtype)
                y = torch.from_numpy(test_labels[start:start + 1024]).to(device)
                output = model(x)
                correct += (output.argmax(dim=-1) == y).sum().item()
                total_loss += compute_loss(output.float(), y).item() * len(y)
        count = max(len(test_labels), 1)
        return correct / count, total_loss / count

    common.train_epochs(args, train_epoch, evaluate, data)


def warm_up(args, torch, trainee, forward, images, labels):
    """--warmup training steps, untimed, with an optimizer of their own; the model's parameters
    are put back afterwards (the caller reseeds the generator)."""
    if args.warmup <= 0:
        return
    model = trainee.model
    saved = copy.deepcopy(model.state_dict())
    optimizer = trainee.make_optimizer(model)
    model.train()
    for step in range(args.warmup):
        index = torch.arange(step * args.batch, (step + 1) * args.batch, device=images.device)
        index = index % len(labels)
        optimizer.zero_grad()
        trainee.loss(forward(images[index]), labels[index]).backward()
        optimizer.step()
    model.load_state_dict(saved)
    if images.device.type == "cuda":
        torch.cuda.synchronize(images.device)


if __name__ == "__main__":
    sys.exit(main())
