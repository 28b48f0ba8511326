"""nnbench's worker for the `jax` backend: runs a model that `nnbench compile --emit jax` wrote
(Flax linen + Optax), in JAX's own runtime, and streams what it measured to nnbench as JSON lines
(protocol and modes: nnbench_worker_common.py).

Inference is the jitted predict(); a training step is the module's jitted make_train_step(). Each
sample is time.perf_counter_ns() around one call and jax.block_until_ready() on its result (JAX
dispatches asynchronously). The first call, reported apart as first_call_ms, is XLA's compilation.
"""
import sys

import nnbench_worker_common as common


def main():
    args = common.parse_args(__doc__)
    try:
        import jax
        import jax.numpy as jnp
    except Exception as error:  # the framework is missing or broken: not a failure of the model
        return common.unavailable("jax", error)

    generated = common.load_module(args.module)
    platform = "gpu" if args.device.startswith("cuda") else "cpu"
    try:
        device = jax.devices(platform)[int(args.device.split(":")[1]) if ":" in args.device else 0]
    except RuntimeError as error:
        print(f"jax has no {platform} device: {error}", file=sys.stderr)
        return 3
    dtype = {"fp32": jnp.float32, "fp16": jnp.float16, "bf16": jnp.bfloat16}[args.dtype]
    model = getattr(generated, args.network)()
    key = jax.random.key(args.seed)

    def cast(tree):
        return jax.tree_util.tree_map(
            lambda leaf: leaf.astype(dtype) if jnp.issubdtype(leaf.dtype, jnp.floating) else leaf,
            tree)

    with jax.default_device(device):
        variables = cast(generated.init(model, key))
        common.emit({"meta": common.base_meta(
            "jax", f"{jax.__version__} (flax {flax_version()})",
            generated.count_parameters(variables), str(device),
            "time.perf_counter_ns around one call, jax.block_until_ready on its result",
            backend=jax.default_backend())})
        if args.mode == "epoch":
            run_epochs(args, jax, jnp, generated, model, variables, device, dtype)
        else:
            run_calls(args, jax, generated, model, variables, key, cast)
    common.emit({"done": True})
    return 0


def flax_version():
    import flax
    return flax.__version__


def run_calls(args, jax, generated, model, variables, key, cast):
    inputs = cast(generated.example_input(args.batch, key))
    result = [None]
    if args.mode == "inference":
        predict = jax.jit(lambda v, x: generated.predict(model, v, x))

        def iteration():
            result[0] = predict(variables, inputs)
    else:
        optimizer = generated.make_optimizer()
        state = {"variables": variables, "opt_state": optimizer.init(variables["params"])}
        step = generated.make_train_step(model, optimizer)
        targets = generated.example_target(model.apply(variables, inputs, train=False), key)
        keys = iter(jax.random.split(jax.random.key(args.seed + 1),
                                     1 + args.warmup + args.iterations))

        def iteration():
            state["variables"], state["opt_state"], result[0] = step(
                state["variables"], state["opt_state"], inputs, targets, next(keys))

    common.measure(args, iteration, lambda: jax.block_until_ready(result[0]))


def run_epochs(args, jax, jnp, generated, model, variables, device, dtype):
    data = common.Data(args.data, args.train_limit, args.test_limit)
    images = data.train_images.astype(dtype)
    labels = data.train_labels.astype("int32")
    optimizer = generated.make_optimizer()
    state = {"variables": variables, "opt_state": optimizer.init(variables["params"]),
             "key": jax.random.key(args.seed + 1)}
    step = generated.make_train_step(model, optimizer)

    def train_epoch(order):
        # Batches gathered on the host and handed to the jitted step, as a JAX input pipeline
        # does; the losses are read once, after the epoch.
        losses = []
        for index in common.batches(order, args.batch):
            state["key"], dropout = jax.random.split(state["key"])
            state["variables"], state["opt_state"], loss = step(
                state["variables"], state["opt_state"], jax.device_put(images[index], device),
                jax.device_put(labels[index], device), dropout)
            losses.append((loss, len(index)))
        return sum(float(loss) * n for loss, n in losses) / len(order)

    logits = jax.jit(lambda v, x: model.apply(v, x, train=False))

    def accuracy(test_images, test_labels):
        correct = 0
        for start in range(0, len(test_labels), 1024):
            x = jax.device_put(test_images[start:start + 1024].astype(dtype), device)
            predicted = jnp.argmax(logits(state["variables"], x), axis=-1)
            correct += int((predicted == jnp.asarray(test_labels[start:start + 1024])).sum())
        return correct / max(len(test_labels), 1)

    common.train_epochs(args, train_epoch, accuracy, data)


if __name__ == "__main__":
    sys.exit(main())
