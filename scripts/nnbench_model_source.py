"""How nnbench's Python side gets a user's model and its inputs, whatever its source (the
`user_model` benchmark; docs/your-model.md):

  python     a .py file defining `model()` (or FACTORY in `file.py:FACTORY`), which returns a
             torch.nn.Module, and `example_inputs(batch_size, dtype, device)` (or
             `FACTORY_example_inputs`), which returns a tensor or a tuple of tensors: the
             positional arguments of one forward call.
  exported   a torch.export ExportedProgram archive (.pt2, torch.export.save): its module and
             its sample inputs, which fix the batch size and dtype.
  language   the model language's `--emit pytorch` output: the network class, predict() as the
             forward pass, example_input(batch).
  zoo        scripts/nnbench_zoo_models.py: resnet50 or vit_b_16 by name.

A mistake in the user's file (a missing function, a wrong signature, a model that raises) is a
ModelSourceError: the worker reports it as {"input_error": ...} and nnbench exits 2 with it.
"""
import importlib.util
import inspect
import os
import traceback

import nnbench_worker_common as common


class ModelSourceError(Exception):
    """The user's model cannot be built or called as nnbench's convention says."""


def add_model_arguments(parser):
    """The command-line arguments naming a model and one call's inputs (both scripts take them)."""
    parser.add_argument("--kind", choices=["python", "exported", "language", "zoo"], required=True)
    parser.add_argument("--path", default="", help="the model's file")
    parser.add_argument("--entry", default="model", help="factory, class or zoo name")
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--dtype", choices=["fp32", "fp16", "bf16"], default="fp32")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--seed", type=int, default=42)


def serve(args, torch, body):
    """Builds the model the command line names and its seeded inputs and returns body(source,
    inputs), speaking the worker protocol for what stops it: {"unavailable"} when torch sees no
    CUDA device, {"skip"} for an ExportedProgram asked at another batch or dtype than its sample
    inputs', {"input_error"} for a mistake in the user's model."""
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        common.emit({"unavailable": "python's torch sees no CUDA device"})
        return 0
    try:
        torch.manual_seed(args.seed)
        source = Source(torch, args.kind, args.path, args.entry, args.device, args.dtype)
        if source.fixed and source.fixed != (args.batch, args.dtype):
            common.emit({"skip": f"the exported program is specialised to batch "
                                 f"{source.fixed[0]} in {source.fixed[1]} (its sample inputs); "
                                 f"asked batch {args.batch} in {args.dtype}"})
            return 0
        return body(source, source.inputs(args.batch, args.seed))
    except ModelSourceError as error:
        common.emit({"input_error": str(error)})
        return 0


def dtype_of(torch, name):
    return {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[name]


def load_python_file(path, name="nnbench_user_model"):
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ModelSourceError(f"{path} cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        raise ModelSourceError(f"{path} raised while it was imported: {short(error)}") from error
    return module


def short(error):
    """`Type: message` and the user's own innermost frame, on one line."""
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if not f.filename.endswith(("nnbench_model_source.py", "nnbench_worker_model.py",
                                          "nnbench_model_prepare.py"))]
    where = f" (at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno})" if frames else ""
    text = f"{type(error).__name__}: {error}".replace("\n", " ")
    return (text[:400] + "...") if len(text) > 400 else text + where


def as_tuple(torch, value, what):
    values = value if isinstance(value, (tuple, list)) else (value,)
    if not values or not all(isinstance(v, torch.Tensor) for v in values):
        raise ModelSourceError(f"{what} must return a tensor or a tuple of tensors, not "
                               f"{type(value).__name__}")
    return tuple(values)


def require_function(module, path, name, signature, role):
    function = getattr(module, name, None)
    if function is None or not callable(function):
        raise ModelSourceError(f"{path} defines no function {name}{signature} ({role}); "
                               "see docs/your-model.md")
    return function


class Source:
    """The model and a way to make its inputs. `fixed` holds the batch size and dtype an
    ExportedProgram is specialised to (None when any may be asked)."""

    def __init__(self, torch, kind, path, entry, device, dtype_name):
        self.torch, self.kind, self.path, self.entry = torch, kind, path, entry
        self.device, self.dtype_name = torch.device(device), dtype_name
        self.dtype = dtype_of(torch, dtype_name)
        self.fixed = None
        builder = getattr(self, "_load_" + kind)
        # In inference mode (an ExportedProgram's module has no eval(): it was exported so).
        self.module = builder()
        if kind != "exported":
            self.module.eval()

    def _load_python(self):
        user = load_python_file(self.path)
        factory = require_function(user, self.path, self.entry, "()", "it builds the model")
        inputs_name = self.entry + "_example_inputs"
        if not callable(getattr(user, inputs_name, None)):
            inputs_name = "example_inputs"
        self._inputs = require_function(user, self.path, inputs_name,
                                        "(batch_size, dtype, device)", "it makes the inputs")
        parameters = inspect.signature(self._inputs).parameters
        if len(parameters) < 3 and not any(p.kind == p.VAR_POSITIONAL
                                           for p in parameters.values()):
            raise ModelSourceError(
                f"{self.path}: {inputs_name}{inspect.signature(self._inputs)} must take "
                "(batch_size, dtype, device)")
        self._inputs_name = inputs_name
        try:
            model = factory()
        except Exception as error:
            raise ModelSourceError(f"{self.path}: {self.entry}() raised: {short(error)}") from error
        if not isinstance(model, self.torch.nn.Module):
            raise ModelSourceError(f"{self.path}: {self.entry}() returned a "
                                   f"{type(model).__name__}, not a torch.nn.Module")
        return model.to(device=self.device, dtype=self.dtype)

    def _load_exported(self):
        try:
            program = self.torch.export.load(self.path)
        except Exception as error:
            raise ModelSourceError(f"{self.path} is not a torch.export program that "
                                   f"torch {self.torch.__version__} loads: {short(error)}")
        args, kwargs = program.example_inputs or ((), {})
        if kwargs or not args:
            raise ModelSourceError(f"{self.path}: its sample inputs are not positional tensors; "
                                   "export it with torch.export.export(model, (inputs,))")
        self._sample = tuple(a.to(self.device) for a in args)
        floating = [a for a in args if a.is_floating_point()]
        dtype = floating[0].dtype if floating else None
        names = {self.torch.float32: "fp32", self.torch.float16: "fp16",
                 self.torch.bfloat16: "bf16"}
        self.fixed = (int(args[0].shape[0]), names.get(dtype, str(dtype)))
        return program.module().to(self.device)

    def _load_language(self):
        generated = load_python_file(self.path, "nnbench_language_model")
        self._generated = generated
        network = getattr(generated, self.entry)().to(device=self.device, dtype=self.dtype)
        return Predict(self.torch, network)

    def _load_zoo(self):
        here = os.path.dirname(os.path.abspath(__file__))
        zoo = load_python_file(os.path.join(here, "nnbench_zoo_models.py"), "nnbench_zoo")
        self._image_size = 224
        return getattr(zoo, self.entry)().to(device=self.device, dtype=self.dtype)

    def inputs(self, batch_size, seed):
        """The positional arguments of one call, made from `seed`."""
        torch = self.torch
        torch.manual_seed(seed)
        if self.kind == "exported":
            return self._sample
        if self.kind == "language":
            return (self._generated.example_input(batch_size).to(self.device, self.dtype),)
        if self.kind == "zoo":
            return (torch.randn(batch_size, 3, self._image_size, self._image_size,
                                device=self.device, dtype=self.dtype),)
        try:
            value = self._inputs(batch_size, self.dtype, self.device)
        except Exception as error:
            raise ModelSourceError(f"{self.path}: {self._inputs_name}({batch_size}, "
                                   f"{self.dtype}, {self.device}) raised: {short(error)}") from error
        return tuple(v.to(self.device) for v in as_tuple(torch, value, self._inputs_name + "()"))

    def parameter_count(self):
        return sum(p.numel() for p in self.module.parameters())


class Predict:
    """The language's inference forward (predict) as a module's forward."""

    def __new__(cls, torch, network):
        class Inference(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.network = network

            def forward(self, x):
                return self.network.predict(x)

        return Inference()


def call(source, module, inputs):
    """One forward call; an exception of the user's model is a ModelSourceError."""
    try:
        return module(*inputs)
    except Exception as error:
        raise ModelSourceError(f"{source.path}: the model raised on its example inputs: "
                               f"{short(error)}") from error


def output_tensors(torch, output):
    """The tensors of an output (a tensor, or nested tuples, lists and dicts of them)."""
    leaves = torch.utils._pytree.tree_leaves(output)
    return [t for t in leaves if isinstance(t, torch.Tensor)]


def relative_difference(torch, output, reference):
    """max |output - reference| / max |reference| over every output tensor."""
    got, want = output_tensors(torch, output), output_tensors(torch, reference)
    if len(got) != len(want):
        return float("inf")
    worst = 0.0
    for g, w in zip(got, want):
        if g.shape != w.shape:
            return float("inf")
        w64, g64 = w.detach().double().cpu(), g.detach().double().cpu()
        scale = max(float(w64.abs().max()) if w64.numel() else 0.0, 1e-30)
        if w64.numel():
            worst = max(worst, float((g64 - w64).abs().max()) / scale)
    return worst


# The largest relative difference a compiled backend may show against eager PyTorch: a few
# roundings of the dtype over a deep network (the inference suite's tolerances).
TOLERANCE = {"fp32": 1e-4, "fp16": 2e-2, "bf16": 1e-1}
