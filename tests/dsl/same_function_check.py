"""Checks that the JAX and Keras modules nnbench emits compute the same function as the PyTorch
module of the same network: the PyTorch model's weights (batch-norm running statistics and class
tokens made non-trivial first; attention's in_proj split into query, key and value) are copied
into the Flax variables and the Keras layers, and the inference outputs on one random batch must
agree within --tolerance. Prints one line per network and back end: "<network> <backend>: max abs
diff D" and exits 1 when any exceeds the tolerance. Several networks run in one process, so the
frameworks are imported once.

Usage: same_function_check.py PYTORCH.py JAX.py KERAS.py NETWORK [...] [--tolerance 1e-4]
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
            elif type(module).__name__ == "_ClassToken":  # zeros at first would hide a misplacement
                module.token.normal_()
    layers = {}
    for key, value in model.state_dict().items():
        layer, _, field = key.rpartition(".")
        if layer.endswith(".out_proj"):  # nn.MultiheadAttention's output projection
            layer, field = layer[:-len(".out_proj")], "out_proj_" + field
        layers.setdefault(layer, {})[field] = value.detach().numpy()
    return layers


def attention_weights(fields):
    """PyTorch's in_proj (3E, E) and out_proj (E, E) -> the channels-last frameworks' query, key,
    value kernels (E, heads, head_dim) and biases (heads, head_dim), output kernel
    (heads, head_dim, E) and bias (E,), in that order."""
    out_weight = fields["out_proj_weight"]
    embed = out_weight.shape[0]
    heads = fields["num_heads"]
    head_dim = embed // heads
    weights = []
    for part in range(3):
        rows = slice(part * embed, (part + 1) * embed)
        weights.append(fields["in_proj_weight"][rows].T.reshape(embed, heads, head_dim))
        weights.append(fields["in_proj_bias"][rows].reshape(heads, head_dim))
    weights.append(out_weight.T.reshape(heads, head_dim, embed))
    weights.append(fields["out_proj_bias"])
    return weights


def kernel(weight):
    """PyTorch's (out, in) or (out, in, k...) -> channels-last frameworks' (in, out), (k..., in, out)."""
    if weight.ndim == 2:
        return weight.T
    return np.transpose(weight, tuple(range(2, weight.ndim)) + (1, 0))


def is_norm(fields):
    return "running_mean" in fields


def flax_variables(variables, layers):
    params = {k: dict(v) if hasattr(v, "items") else v for k, v in variables["params"].items()}
    stats = {k: dict(v) for k, v in variables.get("batch_stats", {}).items()}
    for name, fields in layers.items():
        if is_norm(fields):
            stats[name] = {"mean": fields["running_mean"], "var": fields["running_var"]}
            if "weight" in fields:
                params[name] = {"scale": fields["weight"], "bias": fields["bias"]}
        elif name not in params:
            raise KeyError(f"jax module has no layer {name}")
        elif "token" in fields:  # ClassToken: one parameter of the module itself
            params[name] = fields["token"]
        elif "embedding" in fields:  # PositionEmbedding
            params[name] = fields["embedding"]
        elif "in_proj_weight" in fields:
            w = attention_weights(fields)
            params[name] = {"query": {"kernel": w[0], "bias": w[1]},
                            "key": {"kernel": w[2], "bias": w[3]},
                            "value": {"kernel": w[4], "bias": w[5]},
                            "out": {"kernel": w[6], "bias": w[7]}}
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
        elif kind == "ClassToken":
            values = [fields["token"]]
        elif kind == "PositionEmbedding":
            values = [fields["embedding"]]
        elif kind == "MultiHeadAttention":
            values = attention_weights(fields)
        elif kind == "LayerNormalization":
            values = [fields["weight"], fields["bias"]]
        else:
            values = [kernel(fields["weight"])] + ([fields["bias"]] if "bias" in fields else [])
        layer.set_weights(values)


def check(case, tolerance, torch, jax):
    """One network: True when both back ends agree with PyTorch within the tolerance."""
    pytorch, jax_path, keras_path, network = case
    torch.manual_seed(0)
    torch_module = load(pytorch, f"generated_pytorch_{network}")
    model = getattr(torch_module, network)().eval()
    layers = torch_weights(model, torch)
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.MultiheadAttention):
            layers[name]["num_heads"] = module.num_heads
    inputs = torch_module.example_input(3)
    with torch.no_grad():
        expected = model.predict(inputs).numpy()
    x = inputs.numpy()

    jax_module = load(jax_path, f"generated_jax_{network}")
    flax_model = getattr(jax_module, network)()
    variables = flax_variables(jax_module.init(flax_model, jax.random.key(0)), layers)
    got = {"jax": np.asarray(jax_module.predict(flax_model, variables, x))}

    keras_module = load(keras_path, f"generated_keras_{network}")
    keras_model = keras_module.build_model()
    set_keras_weights(keras_model, layers)
    got["keras"] = np.asarray(keras_module.make_predictor(keras_model).predict_on_batch(x))

    ok = True
    for backend, value in got.items():
        if value.shape != expected.shape:
            print(f"{network} {backend}: shape {value.shape}, expected {expected.shape}")
            ok = False
            continue
        diff = float(np.max(np.abs(value - expected)))
        print(f"{network} {backend}: max abs diff {diff:.3g}")
        ok &= diff <= tolerance
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cases", nargs="+", metavar="PYTORCH.py JAX.py KERAS.py NETWORK",
                        help="one or more groups of four (the frameworks are imported once)")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()
    if len(args.cases) % 4 != 0:
        parser.error("cases come in groups of four: PYTORCH.py JAX.py KERAS.py NETWORK")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import torch
    import jax
    import keras  # noqa: F401  (imported before the generated modules, with its backend set)

    failed = False
    for i in range(0, len(args.cases), 4):
        failed |= not check(args.cases[i:i + 4], args.tolerance, torch, jax)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
