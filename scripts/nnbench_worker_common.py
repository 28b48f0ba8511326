"""What nnbench's framework workers (nnbench_worker_pytorch.py, _jax.py, _keras.py) share: the
command line, the JSON-lines protocol on standard output, the measurement loop, and the
Fashion-MNIST files read the same way for every framework.

Protocol (nnbench computes every statistic itself from the raw samples):

  {"meta": {"framework": ..., "version": ..., "parameters": N, "timer": ..., ...}}
  {"sample_ns": T}            one per measured iteration, in order
  {"meta": {...}}             more metadata may follow (first_call_ms, test_accuracy, ...)
  {"done": true}
  {"unavailable": REASON}     instead of all of the above, when the framework cannot be imported
  {"skip": REASON}            instead of samples: the variant does not apply to this model
  {"input_error": MESSAGE}    instead of samples: the user's model is wrong (nnbench exits 2)

Modes: `inference` and `train` time one call (a forward pass, or one training step) per sample,
after a first call reported apart (first_call_ms: with a compiler, the compilation) and warm-up
calls that are not reported. `epoch` trains on real data (the first --train-limit images of
Fashion-MNIST, normalised by their own mean and standard deviation, shuffled each epoch from
--seed), one epoch per sample, then reports the test accuracy and loss (meta test_accuracy,
test_loss) on the first --test-limit test images. Before the first epoch, --warmup training
steps run untimed on the model, whose weights, optimizer state and random generators are then
put back (0: none; the first epoch then includes any compilation). A directory with
validation-{images-idx3,labels-idx1}-ubyte files too (nnbench writes the split it uses) adds
each epoch's validation accuracy and loss, untimed. The worker's own memory over the epochs and
the test (peak_rss_bytes, rss_delta_bytes, rss_bytes) comes with the test figures.

--handwritten NAME (epoch mode, workers that have hand-written models): train the hand-written
twin of seed model NAME (nnbench_handwritten_<framework>.py) instead of the generated model, from
the generated model's initial state (built with the same seed), for dsl_vs_native's `native`
side. Anything else goes to standard error.
"""
import argparse
import gzip
import json
import os
import platform
import sys
import time

INSTALL_HINT = "install it with `make setup-frameworks` (pinned in requirements-frameworks.txt)"


def emit(record):
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def unavailable(framework, error, hint=INSTALL_HINT):
    """Reports that the framework cannot be imported: not a failure of the model."""
    emit({"unavailable": f"cannot import {framework} with {sys.executable}: {error}; " + hint})
    return 0


def parse_args(description, extra=None):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--module", required=True, help="the generated .py file")
    parser.add_argument("--network", required=True, help="the model's name in it")
    parser.add_argument("--mode", choices=["inference", "train", "epoch"], default="inference")
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=10,
                        help="measured calls; in epoch mode, epochs")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", choices=["fp32", "fp16", "bf16"], default="fp32")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist",
                        help="directory of the MNIST-format IDX files (epoch mode)")
    parser.add_argument("--train-limit", type=int, default=0, help="first N training images")
    parser.add_argument("--test-limit", type=int, default=0, help="first N test images")
    if extra:
        extra(parser)
    return parser.parse_args()


def add_handwritten_argument(parser):
    """--handwritten, for the workers that have hand-written twins of the seed models."""
    parser.add_argument("--handwritten", choices=["simple_mlp", "cnn", "deep_mlp"],
                        help="epoch mode: train the hand-written twin of this seed model")


def load_module(path):
    import importlib.util
    spec = importlib.util.spec_from_file_location("nnbench_generated", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def base_meta(framework, version, parameters, device, timer, **more):
    meta = {"framework": framework, "version": version, "python": platform.python_version(),
            "parameters": int(parameters), "device": device, "timer": timer}
    meta.update(more)
    return meta


def other_torch_than(torch, expected):
    """True (after saying so as {"unavailable"}) when Python's torch is not LibTorch's version
    `expected`: an AOTInductor package loads only into the version that made it."""
    if not expected or torch.__version__.split("+")[0] == expected.split("+")[0]:
        return False
    emit({"unavailable": f"{sys.executable}'s torch {torch.__version__} is not LibTorch's "
                         f"{expected}; a package loads only into the version that made it"})
    return True


def stop_compile_workers():
    """Ends Inductor's pool of compile processes. Left running, they keep polling after the
    compilation and took a whole core of the 2-core CI machine from the timed calls (seen: a
    0.12 ms forward pass measured at 88 ms)."""
    try:
        from torch._inductor.async_compile import shutdown_compile_workers
    except ImportError:
        return
    shutdown_compile_workers()


def measure(args, iteration, synchronize, check_first=None):
    """inference/train modes: the first call apart, warm-up, then one sample per call.
    check_first(output), where given, sees what the first call returned (before the warm-up)."""
    start = time.perf_counter_ns()
    first = iteration()
    synchronize()
    emit({"meta": {"first_call_ms": (time.perf_counter_ns() - start) / 1e6}})
    if check_first is not None:
        check_first(first)
    for _ in range(args.warmup):
        iteration()
    synchronize()
    for _ in range(args.iterations):
        start = time.perf_counter_ns()
        iteration()
        synchronize()
        emit({"sample_ns": time.perf_counter_ns() - start})


def train_epochs(args, train_epoch, evaluate, data):
    """epoch mode: one sample per epoch (then the validation figures, untimed), then the test
    figures and the memory this process used over the epochs and the test. evaluate(images,
    labels) returns the accuracy, or (accuracy, mean loss)."""
    import numpy as np

    def figures(images, labels):
        result = evaluate(images, labels)
        return (result[0], result[1]) if isinstance(result, tuple) else (result, None)

    rng = np.random.default_rng(args.seed)
    memory = MemoryWindow()
    losses, validation_accuracy, validation_loss = [], [], []
    for _ in range(args.iterations):
        order = rng.permutation(len(data.train_labels))
        start = time.perf_counter_ns()
        losses.append(float(train_epoch(order)))
        emit({"sample_ns": time.perf_counter_ns() - start})
        if data.validation_labels is not None:
            accuracy, loss = figures(data.validation_images, data.validation_labels)
            validation_accuracy.append(float(accuracy))
            validation_loss.append(float(loss))
    test_accuracy, test_loss = figures(data.test_images, data.test_labels)
    meta = {"test_accuracy": float(test_accuracy),
            "train_loss": losses[-1] if losses else float("nan"),
            "train_losses": losses,
            "train_samples": int(len(data.train_labels)),
            "test_samples": int(len(data.test_labels))}
    if test_loss is not None:
        meta["test_loss"] = float(test_loss)
    if validation_accuracy:
        meta.update(validation_accuracy=validation_accuracy, validation_loss=validation_loss,
                    validation_samples=int(len(data.validation_labels)))
    meta.update(memory.end())
    emit({"meta": meta})


class MemoryWindow:
    """This process's memory from here to end(), as nnbench measures its own (core's
    ProcessMemoryProbe): the kernel's RSS high-water mark reset at the start (where it allows
    it), VmRSS and VmHWM of /proc/self/status."""

    def __init__(self):
        self.peak_reset = reset_peak_rss()
        self.rss_at_start = read_status_bytes("VmRSS")

    def end(self):
        rss = read_status_bytes("VmRSS")
        peak = max(read_status_bytes("VmHWM"), rss)
        return {"peak_rss_bytes": peak, "rss_delta_bytes": rss - self.rss_at_start,
                "rss_bytes": rss, "peak_rss_since_start": not self.peak_reset}


def reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def read_status_bytes(key):
    """A "<key>: N kB" line of /proc/self/status in bytes (0 where there is none)."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def batches(order, batch):
    """Index arrays of consecutive batches of `order`; the last one may be smaller."""
    return [order[i:i + batch] for i in range(0, len(order), batch)]


class Data:
    """Fashion-MNIST (or any MNIST-format set): float32 (N, 1, 28, 28) normalised, int64 labels.
    A validation part where the directory has one (validation-*-ubyte), else None."""

    def __init__(self, directory, train_limit, test_limit):
        import numpy as np
        train_images = read_idx(find_idx(directory, "train-images-idx3-ubyte"), 3)
        train_labels = read_idx(find_idx(directory, "train-labels-idx1-ubyte"), 1)
        test_images = read_idx(find_idx(directory, "t10k-images-idx3-ubyte"), 3)
        test_labels = read_idx(find_idx(directory, "t10k-labels-idx1-ubyte"), 1)
        if train_limit > 0:
            train_images, train_labels = train_images[:train_limit], train_labels[:train_limit]
        if test_limit > 0:
            test_images, test_labels = test_images[:test_limit], test_labels[:test_limit]
        # The statistics of the training images used, on the [0, 1] scale (as nnbench's loader).
        scaled = train_images.astype(np.float64) / 255.0
        mean, std = scaled.mean(), scaled.std()
        std = std if std > 0 else 1.0

        def normalise(images):
            return ((images.astype(np.float32) / 255.0 - mean) / std).astype(np.float32)[:, None]

        self.train_images, self.test_images = normalise(train_images), normalise(test_images)
        self.train_labels = train_labels.astype(np.int64)
        self.test_labels = test_labels.astype(np.int64)
        self.validation_images = self.validation_labels = None
        if os.path.exists(os.path.join(directory, "validation-labels-idx1-ubyte")):
            self.validation_images = normalise(
                read_idx(find_idx(directory, "validation-images-idx3-ubyte"), 3))
            self.validation_labels = read_idx(
                find_idx(directory, "validation-labels-idx1-ubyte"), 1).astype(np.int64)


def find_idx(directory, stem):
    for name in (stem, stem + ".gz"):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(f"no {stem}[.gz] in {directory}")


def read_idx(path, dimensions):
    import numpy as np
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as handle:
        raw = handle.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08 or raw[3] != dimensions:
        raise ValueError(f"{path}: not an IDX file of uint8 with {dimensions} dimension(s)")
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dimensions))
    offset = 4 + 4 * dimensions
    if len(raw) - offset != int(np.prod(shape)):
        raise ValueError(f"{path}: {len(raw) - offset} bytes of data for shape {shape}")
    return np.frombuffer(raw, dtype=np.uint8, offset=offset).reshape(shape)
