"""nnbench's worker for the `keras` backend: runs a model that `nnbench compile --emit keras`
wrote (Keras 3 on TensorFlow), in Keras's own runtime, and streams what it measured to nnbench as
JSON lines (protocol and modes: nnbench_worker_common.py).

Inference is predict_on_batch() of the model with its final activation; a training step is
train_on_batch() after compile() with Keras's defaults (jit_compile="auto": XLA where it can).
Both return host values, so each call is complete when it returns: each sample is
time.perf_counter_ns() around one call. The first call, reported apart as first_call_ms, traces
(and compiles) the step. Epoch mode trains with fit() over the same shuffled order as the other
workers (shuffle=False there, the order given).
"""
import os
import sys

import nnbench_worker_common as common


def main():
    args = common.parse_args(__doc__)
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        import keras
    except Exception as error:  # the framework is missing or broken: not a failure of the model
        return common.unavailable("keras", error)
    if args.device.startswith("cuda"):
        print("the keras backend runs on the CPU only here (tensorflow-cpu)", file=sys.stderr)
        return 3
    backend = keras.backend.backend()
    if backend == "tensorflow" and args.threads > 0:
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    keras.config.set_floatx({"fp32": "float32", "fp16": "float16", "bf16": "bfloat16"}[args.dtype])
    keras.utils.set_random_seed(args.seed)
    generated = common.load_module(args.module)
    model = generated.compile_model(generated.build_model())
    common.emit({"meta": common.base_meta(
        "keras", f"{keras.__version__} ({backend} {backend_version(backend)})",
        generated.count_parameters(model), "cpu",
        "time.perf_counter_ns around one call (returns host values)")})

    if args.mode == "epoch":
        run_epochs(args, generated, model)
    else:
        import numpy as np
        rng = np.random.default_rng(args.seed)
        inputs = generated.example_input(args.batch, rng)
        if args.mode == "inference":
            predictor = generated.make_predictor(model)

            def iteration():
                predictor.predict_on_batch(inputs)
        else:
            targets = generated.example_target(model.predict_on_batch(inputs), rng)

            def iteration():
                model.train_on_batch(inputs, targets)
        common.measure(args, iteration, lambda: None)
    common.emit({"done": True})
    return 0


def backend_version(backend):
    if backend == "tensorflow":
        import tensorflow as tf
        return tf.__version__
    import importlib
    return getattr(importlib.import_module(backend), "__version__", "?")


def run_epochs(args, generated, model):
    data = common.Data(args.data, args.train_limit, args.test_limit)

    def train_epoch(order):
        history = model.fit(data.train_images[order], data.train_labels[order],
                            batch_size=args.batch, epochs=1, shuffle=False, verbose=0)
        return history.history["loss"][-1]

    def accuracy(test_images, test_labels):
        logits = model.predict(test_images, batch_size=1024, verbose=0)
        return float((logits.argmax(axis=-1) == test_labels).mean())

    common.train_epochs(args, train_epoch, accuracy, data)


if __name__ == "__main__":
    sys.exit(main())
