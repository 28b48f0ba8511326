"""nnbench's worker for the `keras` backend: runs a model that `nnbench compile --emit keras`
wrote (Keras 3 on TensorFlow), in Keras's own runtime, and streams what it measured to nnbench as
JSON lines (protocol and modes: nnbench_worker_common.py).

Inference is predict_on_batch() of the model with its final activation; a training step is
train_on_batch() after compile() with Keras's defaults (jit_compile="auto": XLA where it can).
Both return host values, so each call is complete when it returns: each sample is
time.perf_counter_ns() around one call. The first call, reported apart as first_call_ms, traces
(and compiles) the step. Epoch mode trains with fit() over the same shuffled order as the other
workers (shuffle=False there, the order given).

With --handwritten NAME (epoch mode) the model trained is the hand-written one of
nnbench_handwritten_keras.py (channels-last, softmax output, Keras's default initialisers). Keras
cannot draw the same numbers for other initialisers, and seeds each Dropout layer from a global
generator in construction order, so the hand-written model takes the generated model's initial
state (built with the same seed): its weights (the first Dense kernel after a Flatten with its
rows reordered from channels-first to channels-last) and its Dropout layers' seeds. Both
implementations then compute the same function from the same start (checked on a batch of
training images: meta initial_max_abs_diff).
"""
import os
import sys
import time

import nnbench_worker_common as common


def main():
    args = common.parse_args(__doc__, common.add_handwritten_argument)
    if args.handwritten and args.mode != "epoch":
        print("--handwritten trains: it needs --mode epoch", file=sys.stderr)
        return 2
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
    trainee = data = None
    if args.mode == "epoch":
        data = common.Data(args.data, args.train_limit, args.test_limit)
        trainee = epoch_trainee(args, keras, generated, model, data.train_images[:64])
        model = trainee.model
    common.emit({"meta": common.base_meta(
        "keras", f"{keras.__version__} ({backend} {backend_version(backend)})",
        generated.count_parameters(model), "cpu",
        "time.perf_counter_ns around one call (returns host values)",
        **(trainee.meta if trainee else {}))})

    if args.mode == "epoch":
        run_epochs(args, keras, trainee, data)
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


class Trainee:
    """What epoch mode trains: a compiled model and how its output becomes probabilities."""

    def __init__(self, model, outputs_probabilities, meta):
        self.model, self.outputs_probabilities, self.meta = model, outputs_probabilities, meta

    def inputs(self, images):
        """(N, 1, H, W) images in the layout the model takes (channels-last for Keras's own)."""
        return images if self.model.input_shape[1:] == images.shape[1:] else \
            images.transpose(0, 2, 3, 1).copy()

    def probabilities(self, images):
        import keras
        output = self.model(self.inputs(images), training=False)
        return keras.ops.convert_to_numpy(
            output if self.outputs_probabilities else keras.ops.softmax(output, axis=-1))


def epoch_trainee(args, keras, generated, reference, images):
    """The model epoch mode trains: the generated one, or with --handwritten its hand-written
    twin, built and compiled (timed: build_time_ms) after the generated `reference`, alike for
    both, with the same seed; it takes the reference's initial state (copy_state), checked on
    `images`."""
    if args.handwritten:
        import nnbench_handwritten_keras as handwritten

        def build():
            return handwritten.compile_model(handwritten.MODELS[args.handwritten]())
    else:
        def build():
            return generated.compile_model(generated.build_model())
    keras.utils.set_random_seed(args.seed)
    start = time.perf_counter_ns()
    model = build()
    build_ms = (time.perf_counter_ns() - start) / 1e6
    copy_state(keras, reference, model)
    trainee = Trainee(model, bool(args.handwritten), {
        "implementation": "hand-written" if args.handwritten else "generated",
        "build_time_ms": build_ms,
        "initial_state": "the language model's (weights and dropout seeds copied)"})
    # The same function from the same start: the reference's probabilities on a few images.
    expected = Trainee(reference, False, {}).probabilities(images)
    difference = float(abs(trainee.probabilities(images) - expected).max())
    if not difference < 1e-4:
        raise ValueError(f"the {trainee.meta['implementation']} model does not compute the "
                         f"language model's function from its initial state: max abs "
                         f"difference {difference:g} of the probabilities")
    trainee.meta["initial_max_abs_diff"] = difference
    return trainee


def copy_state(keras, source, target):
    """source's variables (weights, Dropout seed states) into target's, layer by layer in order,
    shapes checked. A Dense kernel after a Flatten takes its rows in target's flattening order:
    the language flattens channels-first (as PyTorch), Keras's own layers channels-last."""
    def layers_with_state(model):
        return [layer for layer in model.layers if layer.variables]

    def flattened(model):
        """The input shape (without the batch) of each Dense layer's Flatten, where it follows one"""
        shapes, pending = {}, None
        for layer in model.layers:
            if isinstance(layer, keras.layers.Flatten):
                pending = tuple(layer.input.shape[1:])
            elif isinstance(layer, keras.layers.Dense):
                shapes[id(layer)], pending = pending, None
        return shapes

    ours, theirs = layers_with_state(target), layers_with_state(source)
    our_flattened, their_flattened = flattened(target), flattened(source)
    if len(ours) != len(theirs):
        raise ValueError(f"{len(ours)} layers with weights, the language's model "
                         f"{len(theirs)}")
    for mine, other in zip(ours, theirs):
        if [v.shape for v in mine.variables] != [v.shape for v in other.variables]:
            raise ValueError(f"layer {mine.name}: variables {[v.shape for v in mine.variables]}, "
                             f"the language's {other.name}: {[v.shape for v in other.variables]}")
        values = [keras.ops.convert_to_numpy(v) for v in other.variables]
        source_shape, target_shape = their_flattened.get(id(other)), our_flattened.get(id(mine))
        if source_shape != target_shape and source_shape and target_shape:
            channels, rows, columns = source_shape
            if tuple(target_shape) != (rows, columns, channels):
                raise ValueError(f"layer {mine.name}: cannot map a flattening of "
                                 f"{source_shape} to one of {target_shape}")
            units = values[0].shape[-1]
            values[0] = values[0].reshape(channels, rows, columns, units).transpose(
                1, 2, 0, 3).reshape(-1, units)
        for variable, value in zip(mine.variables, values):
            variable.assign(value)


def run_epochs(args, keras, trainee, data):
    import numpy as np
    model = trainee.model
    images = trainee.inputs(data.train_images)
    loss = keras.losses.get(model.loss) if isinstance(model.loss, str) else model.loss
    warm_up(args, keras, model, images, data.train_labels)

    def train_epoch(order):
        history = model.fit(images[order], data.train_labels[order],
                            batch_size=args.batch, epochs=1, shuffle=False, verbose=0)
        return history.history["loss"][-1]

    def evaluate(test_images, test_labels):
        output = model.predict(trainee.inputs(test_images), batch_size=1024, verbose=0)
        mean_loss = float(np.mean(keras.ops.convert_to_numpy(loss(test_labels, output))))
        return float((output.argmax(axis=-1) == test_labels).mean()), mean_loss

    common.train_epochs(args, train_epoch, evaluate, data)


def warm_up(args, keras, model, images, labels):
    """--warmup training steps through fit(), untimed, and one more of the epoch's last, smaller
    batch where it has one, so that the training step is traced for both batch sizes before the
    first epoch; then every variable of the model (weights, Dropout seed states) and of its
    optimizer is put back."""
    if args.warmup <= 0:
        return
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    variables = list(model.variables) + list(model.optimizer.variables)
    saved = [keras.ops.convert_to_numpy(v) for v in variables]
    count = min(args.warmup * args.batch + len(labels) % args.batch, len(labels))
    model.fit(images[:count], labels[:count], batch_size=args.batch, epochs=1, shuffle=False,
              verbose=0)
    for variable, value in zip(variables, saved):
        variable.assign(value)


if __name__ == "__main__":
    sys.exit(main())
