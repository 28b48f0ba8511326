// check(): the network-level part of the checker: input shape mapping, sections (loss,
// optimizer, metrics, train, execute), the Output/loss pairing, and totals.
#include "nnbench/dsl/checker.hpp"

#include <algorithm>
#include <cctype>

#include "check_context.hpp"

namespace nnbench::dsl {
namespace {

constexpr std::int64_t kMaxEpochs = 1000000;

bool check_input(const ast::Network& net, ir::Network& out, Tensor& tensor, Diagnostics& d) {
  if (!net.input) {
    d.error(net.name_range, "network " + quote_text(net.name) +
                                " has no input section; add for example "
                                "input: (28, 28, 1)");
    return false;
  }
  const ast::Value& v = *net.input;
  std::vector<const ast::Value*> dims;
  if (v.kind == ast::ValueKind::kInt) {
    dims.push_back(&v);
  } else if (v.kind == ast::ValueKind::kTuple || v.kind == ast::ValueKind::kList) {
    for (const ast::Value& item : v.items) dims.push_back(&item);
  }
  if (!dims.empty() && dims.front()->kind == ast::ValueKind::kNone) {
    dims.erase(dims.begin());  // Neural DSL's leading batch dimension
  }
  if (dims.empty() || dims.size() > 3) {
    d.error(v.range,
            "input must be a tuple of 1 to 3 sizes, such as (28, 28, 1) (height, width, "
            "channels), (100, 16) (length, features) or (784,)");
    return false;
  }
  for (const ast::Value* dim : dims) {
    if (dim->kind != ast::ValueKind::kInt || dim->int_value < 1 || dim->int_value > kMaxDimension) {
      d.error(dim->range,
              "input sizes must be integers between 1 and " + std::to_string(kMaxDimension));
      return false;
    }
    out.input_shape_as_written.push_back(dim->int_value);
  }
  const ir::Shape& w = out.input_shape_as_written;
  if (w.size() == 3) {
    tensor = Tensor{{w[2], w[0], w[1]}, Layout::kImage};  // (H, W, C) -> (C, H, W)
  } else if (w.size() == 2) {
    const Layout layout = rank2_input_layout(net.layers);
    tensor = layout == Layout::kChannelsFirst ? Tensor{{w[1], w[0]}, layout}  // (L, C) -> (C, L)
                                              : Tensor{w, Layout::kSequence};
  } else {
    const bool tokens = !net.layers.empty() && net.layers.front().name == "Embedding";
    tensor = Tensor{w, tokens ? Layout::kTokens : Layout::kFlat};
    if (tokens) out.input_dtype = ir::InputDType::kInt64;
  }
  out.input_shape = tensor.shape;
  return true;
}

void check_loss(const ast::Network& net, ir::Network& out, Diagnostics& d) {
  if (!net.loss) {
    d.error(net.name_range, "network " + quote_text(net.name) +
                                " has no loss; add for example "
                                "loss: \"sparse_categorical_crossentropy\"");
    return;
  }
  const ast::Value& v = *net.loss;
  if (v.kind != ast::ValueKind::kString && v.kind != ast::ValueKind::kName) {
    d.error(v.range, "loss must be a name such as \"sparse_categorical_crossentropy\"");
    return;
  }
  const auto loss = find_loss(v.text);
  if (!loss) {
    d.error(v.range, with_suggestion("unknown loss " + quote_text(v.text), v.text, loss_names()));
    return;
  }
  out.loss = *loss;
}

void check_optimizer(const ast::Network& net, ir::Network& out, Diagnostics& d) {
  if (!net.optimizer) {
    d.error(net.name_range, "network " + quote_text(net.name) +
                                " has no optimizer; add for example "
                                "optimizer: Adam(learning_rate=0.001)");
    return;
  }
  const ast::Item& item = *net.optimizer;
  const auto kind = find_optimizer(item.name);
  if (!kind) {
    d.error(item.name_range, with_suggestion("unknown optimizer " + quote_text(item.name),
                                             item.name, optimizer_names()));
    return;
  }
  using ir::OptimizerKind;
  const std::vector<Param> params = optimizer_params(*kind);
  const ir::Optimizer defaults;
  ir::Optimizer& o = out.optimizer;
  o.kind = *kind;
  Args args(item, params, item.name, d);
  if (args.failed()) return;
  const double lr_default = *kind == OptimizerKind::kSgd ? 0.01 : 0.001;
  o.learning_rate = args.number("learning_rate", lr_default, 1e-300, 1e6, true);
  o.weight_decay =
      args.number("weight_decay", *kind == OptimizerKind::kAdamW ? 0.01 : 0.0, 0.0, 1e6, true);
  o.momentum = args.number("momentum", 0.0, 0.0, 1.0, false);
  o.nesterov = args.boolean("nesterov", false);
  o.beta1 = args.number("beta_1", defaults.beta1, 0.0, 1.0, false);
  o.beta2 = args.number("beta_2", defaults.beta2, 0.0, 1.0, false);
  o.epsilon = args.number("epsilon", defaults.epsilon, 0.0, 1.0, true);
  o.alpha = args.number("rho", defaults.alpha, 0.0, 1.0, true);
  if (o.nesterov && o.momentum <= 0.0 && !args.failed()) {
    args.error(args.range_of("nesterov"), "nesterov=true needs a momentum above 0");
  }
}

void check_metrics(const ast::Network& net, ir::Network& out, Diagnostics& d) {
  if (!net.metrics) return;
  const std::vector<std::string_view> known = {"accuracy", "mse", "mae"};
  std::vector<const ast::Value*> items;
  if (net.metrics->kind == ast::ValueKind::kList || net.metrics->kind == ast::ValueKind::kTuple) {
    for (const ast::Value& v : net.metrics->items) items.push_back(&v);
  } else {
    items.push_back(&*net.metrics);
  }
  for (const ast::Value* v : items) {
    if (v->kind != ast::ValueKind::kString && v->kind != ast::ValueKind::kName) {
      d.error(v->range, "metrics must be a list of names such as [\"accuracy\"]");
    } else if (std::find(known.begin(), known.end(), v->text) == known.end()) {
      d.error(v->range, with_suggestion("unknown metric " + quote_text(v->text), v->text, known));
    } else {
      out.metrics.push_back(v->text);
    }
  }
}

bool valid_device(const std::string& text) {
  if (text == "cpu" || text == "cuda" || text == "auto") return true;
  if (text.rfind("cuda:", 0) != 0 || text.size() == 5 || text.size() > 8) return false;
  return std::all_of(text.begin() + 5, text.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

// train { ... } and execute { ... }: each key once, typed, in range.
void check_settings(const ast::Network& net, ir::Network& out, Diagnostics& d) {
  ast::Item train;
  train.name_range = net.train_range;
  for (const ast::Setting& s : net.train) train.args.push_back({s.key, s.key_range, s.value});
  const std::vector<Param> train_params = {{"epochs", ArgType::kInt},
                                           {"batch_size", ArgType::kInt},
                                           {"validation_split", ArgType::kNumber}};
  Args t(train, train_params, "train", d, "setting");
  out.train.epochs = t.integer("epochs", 1);
  if (out.train.epochs > kMaxEpochs)
    t.error(t.range_of("epochs"), "epochs must be at most 1000000");
  out.train.batch_size = t.integer("batch_size", 32);
  out.train.validation_split = t.number("validation_split", 0.0, 0.0, 1.0, false);

  ast::Item execute;
  execute.name_range = net.execute_range;
  for (const ast::Setting& s : net.execute) execute.args.push_back({s.key, s.key_range, s.value});
  Args e(execute, {{"device", ArgType::kText}}, "execute", d, "setting");
  out.execute_device = e.text("device", "");
  if (e.has("device") && !valid_device(out.execute_device)) {
    e.error(e.range_of("device"), "unknown device " + quote_text(out.execute_device) +
                                      " (expected \"cpu\", \"cuda\", \"cuda:N\" or \"auto\")");
  }
}

void check_device_hints(const std::vector<ast::Item>& items, Diagnostics& d) {
  for (const ast::Item& item : items) {
    if (!item.device.empty() && (!valid_device(item.device) || item.device == "auto")) {
      d.error(item.device_range, "unknown device " + quote_text(item.device) +
                                     " (expected \"cpu\", \"cuda\" or \"cuda:N\")");
    }
    check_device_hints(item.body, d);
  }
}

void add_totals(const std::vector<ir::Layer>& layers, ir::Network& out, Counter& n) {
  for (const ir::Layer& layer : layers) {
    out.total_params = n.add(out.total_params, layer.param_count);
    out.total_macs = n.add(out.total_macs, layer.macs);
    out.total_activation_bytes = n.add(out.total_activation_bytes, layer.activation_bytes);
    add_totals(layer.body, out, n);
  }
}

void fold_output_activation(ir::Network& out) {
  if (out.layers.empty() || out.layers.back().kind != ir::LayerKind::kOutput) return;
  auto& attrs = std::get<ir::DenseAttrs>(out.layers.back().attrs);
  const bool cross_entropy = out.loss == ir::Loss::kSparseCategoricalCrossentropy ||
                             out.loss == ir::Loss::kCategoricalCrossentropy;
  attrs.activation_in_loss =
      (cross_entropy && attrs.activation.kind == ir::ActivationKind::kSoftmax) ||
      (out.loss == ir::Loss::kBinaryCrossentropy &&
       attrs.activation.kind == ir::ActivationKind::kSigmoid);
}

}  // namespace

std::optional<ir::Network> check(const ast::Network& network, const SourceFile& file,
                                 Diagnostics& diagnostics) {
  const std::size_t errors_before = diagnostics.list().size();
  ir::Network out;
  out.name = network.name;
  out.source_file = file.name();
  Tensor current;
  const bool input_ok = check_input(network, out, current, diagnostics);
  check_device_hints(network.layers, diagnostics);
  if (!network.has_layers || network.layers.empty()) {
    diagnostics.error(network.name_range, "network " + quote_text(network.name) + " has no layers");
  } else if (input_ok) {
    LayerWalk walk{diagnostics};
    if (check_layer_list(network.layers, current, out.layers, "", walk)) {
      out.output_shape = current.shape;
    }
  }
  check_loss(network, out, diagnostics);
  check_optimizer(network, out, diagnostics);
  check_metrics(network, out, diagnostics);
  check_settings(network, out, diagnostics);
  if (diagnostics.list().size() > errors_before || diagnostics.full()) return std::nullopt;
  fold_output_activation(out);
  Counter n;
  add_totals(out.layers, out, n);
  if (n.overflow) {
    diagnostics.error(network.name_range,
                      "network " + quote_text(network.name) + " is too large to count");
    return std::nullopt;
  }
  return out;
}

}  // namespace nnbench::dsl
