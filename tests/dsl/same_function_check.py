"""Checks that the JAX and Keras modules nnbench emits compute the same function as the PyTorch
module of the same network: the PyTorch model's weights (batch-norm running statistics made
non-trivial first) are copied into the Flax variables and the Keras layers, and the inference
outputs on one random batch must agree within --tolerance. Prints one line per back end:
"<backend>: max abs diff D" and exits 1 when any exceeds the tolerance.

Usage: same_function_check.py PYTORCH.py JAX.py KERAS.py NETWORK [--tolerance 1e-4]
"""
import argparse
import importlib.util
import os
import sys

import numpy as np


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def torch_weights(model, torch):
    """{layer: {"weight": array, "bias": ..., "running_mean": ..., ...}} from the state dict."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
                if module.affine:
                    module.weight.uniform_(0.5, 1.5)
                    module.bias.uniform_(-0.5, 0.5)
    layers = {}
    for key, value in model.state_dict().items():
        layer, _, field = key.rpartition(".")
        layers.setdefault(layer, {})[field] = value.detach().numpy()
    return layers


def kernel(weight):
    """PyTorch's (out, in) or (out, in, k...) -> channels-last frameworks' (in, out), (k..., in, out)."""
    if weight.ndim == 2:
        return weight.T
    return np.transpose(weight, tuple(range(2, weight.ndim)) + (1, 0))


def is_norm(fields):
    return "running_mean" in fields


def flax_variables(variables, layers):
    params = {k: dict(v) for k, v in variables["params"].items()}
    stats = {k: dict(v) for k, v in variables.get("batch_stats", {}).items()}
    for name, fields in layers.items():
        if is_norm(fields):
            stats[name] = {"mean": fields["running_mean"], "var": fields["running_var"]}
            if "weight" in fields:
                params[name] = {"scale": fields["weight"], "bias": fields["bias"]}
        elif name not in params:
            raise KeyError(f"jax module has no layer {name}")
        elif "embedding" in params[name]:
            params[name] = {"embedding": fields["weight"]}
        elif "kernel" in params[name]:
            params[name] = {"kernel": kernel(fields["weight"]),
                            **({"bias": fields["bias"]} if "bias" in fields else {})}
        else:  # LayerNorm
            params[name] = {"scale": fields["weight"], "bias": fields["bias"]}
    out = {"params": params}
    if stats:
        out["batch_stats"] = stats
    return out


def set_keras_weights(model, layers):
    for name, fields in layers.items():
        layer = model.get_layer(name)
        kind = type(layer).__name__
        if is_norm(fields):
            values = ([fields["weight"], fields["bias"]] if "weight" in fields else []) + [
                fields["running_mean"], fields["running_var"]]
        elif kind == "Embedding":
            values = [fields["weight"]]
        elif kind == "LayerNormalization":
            values = [fields["weight"], fields["bias"]]
        else:
            values = [kernel(fields["weight"])] + ([fields["bias"]] if "bias" in fields else [])
        layer.set_weights(values)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("pytorch")
    parser.add_argument("jax")
    parser.add_argument("keras")
    parser.add_argument("network")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import torch
    import jax
    import keras

    torch.manual_seed(0)
    torch_module = load(args.pytorch, "generated_pytorch")
    model = getattr(torch_module, args.network)().eval()
    layers = torch_weights(model, torch)
    inputs = torch_module.example_input(3)
    with torch.no_grad():
        expected = model.predict(inputs).numpy()
    x = inputs.numpy()

    jax_module = load(args.jax, "generated_jax")
    flax_model = getattr(jax_module, args.network)()
    variables = flax_variables(jax_module.init(flax_model, jax.random.key(0)), layers)
    got = {"jax": np.asarray(jax_module.predict(flax_model, variables, x))}

    keras_module = load(args.keras, "generated_keras")
    keras_model = keras_module.build_model()
    set_keras_weights(keras_model, layers)
    got["keras"] = np.asarray(keras_module.make_predictor(keras_model).predict_on_batch(x))

    failed = False
    for backend, value in got.items():
        if value.shape != expected.shape:
            print(f"{backend}: shape {value.shape}, expected {expected.shape}")
            failed = True
            continue
        diff = float(np.max(np.abs(value - expected)))
        print(f"{backend}: max abs diff {diff:.3g}")
        failed |= not diff <= args.tolerance
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
