// `--emit torch-cpp`: the whole C++ file around the module struct (emit_torch_cpp.cpp): the loss
// (per loss_input()), the optimizer, example batches and main().
#include <charconv>
#include <sstream>
#include <variant>

#include "emit_torch_cpp_parts.hpp"
#include "nnbench/dsl/emit_pytorch.hpp"
#include "nnbench/dsl/emit_torch_cpp.hpp"

namespace nnbench::dsl {
namespace cpp {

std::string number(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string text(buffer, result.ptr);
  if (text.find_first_of(".en") == std::string::npos) text += ".0";  // keep it a double
  return text;
}

std::string braced(const std::vector<std::int64_t>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(values[i]);
  }
  return out + "}";
}

}  // namespace cpp

namespace {

std::string log_probabilities(LossInput input) {
  switch (input) {
    case LossInput::kLogits:
      return "torch::log_softmax(output, -1)";
    case LossInput::kProbabilities:
      return "torch::log(output.clamp(1e-07, 1.0))";
    case LossInput::kLogProbabilities:
      return "output";
  }
  return "output";
}

std::string loss_body(const ir::Network& net) {
  const LossInput input = loss_input(net);
  const std::string target = "target.to(output.scalar_type())";
  switch (net.loss) {
    case ir::Loss::kSparseCategoricalCrossentropy:
      return "  torch::Tensor logp = " + log_probabilities(input) +
             ";\n  return F::nll_loss(logp.reshape({-1, logp.size(-1)}), "
             "target.reshape({-1}).to(torch::kLong));\n";
    case ir::Loss::kCategoricalCrossentropy:
      return "  return -(" + target + " * " + log_probabilities(input) + ").sum(-1).mean();\n";
    case ir::Loss::kBinaryCrossentropy:
      if (input == LossInput::kProbabilities) {
        return "  return F::binary_cross_entropy(output.clamp(1e-07, 1.0 - 1e-07), " + target +
               ");\n";
      }
      return "  return F::binary_cross_entropy_with_logits(output, " + target + ");\n";
    case ir::Loss::kMse:
      return "  return F::mse_loss(output, " + target + ");\n";
    case ir::Loss::kMae:
      return "  return F::l1_loss(output, " + target + ");\n";
  }
  return "  return output.sum();\n";
}

std::string example_target(const ir::Network& net) {
  switch (net.loss) {
    case ir::Loss::kSparseCategoricalCrossentropy:
      return "torch::randint(output.size(-1), output.sizes().slice(0, output.dim() - 1), "
             "torch::kLong)";
    case ir::Loss::kCategoricalCrossentropy:
      return "torch::softmax(torch::randn(output.sizes()), -1)";
    case ir::Loss::kBinaryCrossentropy:
      return "torch::rand(output.sizes())";
    default:
      return "torch::randn(output.sizes())";
  }
}

std::string optimizer(const ir::Optimizer& o) {
  using cpp::number;
  const std::string lr = number(o.learning_rate);
  switch (o.kind) {
    case ir::OptimizerKind::kSgd:
      return "std::make_unique<torch::optim::SGD>(parameters, torch::optim::SGDOptions(" + lr +
             ").momentum(" + number(o.momentum) + ").nesterov(" + (o.nesterov ? "true" : "false") +
             ").weight_decay(" + number(o.weight_decay) + "))";
    case ir::OptimizerKind::kAdam:
    case ir::OptimizerKind::kAdamW: {
      const std::string type = o.kind == ir::OptimizerKind::kAdam ? "Adam" : "AdamW";
      return "std::make_unique<torch::optim::" + type + ">(parameters, torch::optim::" + type +
             "Options(" + lr + ").betas({" + number(o.beta1) + ", " + number(o.beta2) + "}).eps(" +
             number(o.epsilon) + ").weight_decay(" + number(o.weight_decay) + "))";
    }
    case ir::OptimizerKind::kRmsprop:
      return "std::make_unique<torch::optim::RMSprop>(parameters, torch::optim::RMSpropOptions(" +
             lr + ").alpha(" + number(o.alpha) + ").eps(" + number(o.epsilon) + ").weight_decay(" +
             number(o.weight_decay) + ").momentum(" + number(o.momentum) + "))";
  }
  return "nullptr";
}

std::string joined(const std::vector<std::int64_t>& values) {
  const std::string text = cpp::braced(values);
  return text.substr(1, text.size() - 2);
}

const ir::Activation* folded_activation(const ir::Network& net) {
  if (net.layers.empty() || net.layers.back().kind != ir::LayerKind::kOutput) return nullptr;
  const auto& a = std::get<ir::DenseAttrs>(net.layers.back().attrs);
  return a.activation_in_loss ? &a.activation : nullptr;
}

std::string example_input(const ir::Network& net) {
  std::vector<std::int64_t> shape{2};
  shape.insert(shape.end(), net.input_shape.begin(), net.input_shape.end());
  if (net.input_dtype != ir::InputDType::kInt64) return "torch::randn(" + cpp::braced(shape) + ")";
  std::int64_t vocabulary = 1;
  if (!net.layers.empty()) {
    if (const auto* e = std::get_if<ir::EmbeddingAttrs>(&net.layers.front().attrs)) {
      vocabulary = e->input_dim;
    }
  }
  return "torch::randint(" + std::to_string(vocabulary) + ", " + cpp::braced(shape) +
         ", torch::kLong)";
}

}  // namespace

std::string emit_torch_cpp(const ir::Network& net) {
  channels_first::Body body;
  cpp::emit_layers(net.layers, body);
  const std::string impl = net.name + "Impl";
  const ir::Activation* folded = folded_activation(net);
  std::ostringstream out;
  out << "// " << net.name << ": generated by nnbench (--emit torch-cpp)"
      << (net.source_file.empty() ? "" : " from " + net.source_file) << ".\n"
      << "// Input (N, " << joined(net.input_shape) << ")"
      << (net.input_dtype == ir::InputDType::kInt64 ? " int64 token ids" : " float32") << "; "
      << net.total_params << " parameters; loss " << ir::to_string(net.loss) << "; optimizer "
      << ir::to_string(net.optimizer.kind) << ".\n"
      << "// Build: g++ -std=c++17 -O2 this.cpp -I$TORCH/include "
         "-I$TORCH/include/torch/csrc/api/include\n"
      << "//   -L$TORCH/lib -ltorch_cpu -lc10 -Wl,-rpath,$TORCH/lib "
         "-D_GLIBCXX_USE_CXX11_ABI=1\n"
      << "#include <torch/torch.h>\n\n#include <cstdint>\n#include <iomanip>\n#include "
         "<iostream>\n#include <limits>\n"
      << "#include <memory>\n#include <vector>\n\nnamespace F = torch::nn::functional;\n\n"
      << cpp::helper_modules(net) << "struct " << impl << " : torch::nn::Module {\n  " << impl
      << "() {\n";
  for (const std::string& line : body.init) out << "    " << line << "\n";
  out << "  }\n\n  // Training forward" << (folded ? ": logits" : "") << ".\n"
      << "  torch::Tensor forward(torch::Tensor x) {\n";
  for (const std::string& line : body.forward) out << "    " << line << "\n";
  out << "    return x;\n  }\n\n  // Inference forward: the final activation applied.\n"
      << "  torch::Tensor predict(torch::Tensor x) { return "
      << (folded ? cpp::activation(*folded, "forward(x)") : "forward(x)") << "; }\n\n";
  for (const std::string& line : body.members) out << "  " << line << "\n";
  out << "};\nTORCH_MODULE(" << net.name << ");\n\n"
      << "// " << ir::to_string(net.loss) << " of forward()'s output.\n"
      << "torch::Tensor compute_loss(const torch::Tensor& output, const torch::Tensor& target) {\n"
      << loss_body(net) << "}\n\n"
      << "std::unique_ptr<torch::optim::Optimizer> make_optimizer(\n"
      << "    const std::vector<torch::Tensor>& parameters) {\n  return "
      << optimizer(net.optimizer) << ";\n}\n\n"
      << "// Prints \"name: v0 v1 ...\" (every value, 9 significant digits) for cross-checks.\n"
      << "void print_values(const char* name, const torch::Tensor& values) {\n"
      << "  torch::Tensor flat = values.reshape({-1}).to(torch::kDouble).contiguous();\n"
      << "  std::cout << name << \":\" << std::setprecision(9);\n"
      << "  for (std::int64_t i = 0; i < flat.numel(); ++i) {\n"
      << "    std::cout << \" \" << flat[i].item<double>();\n  }\n"
      << "  std::cout << \"\\n\";\n}\n\n"
      << "int main() {\n  torch::manual_seed(0);\n  " << net.name << " model;\n"
      << "  std::int64_t parameters = 0;\n"
      << "  for (const auto& p : model->parameters()) parameters += p.numel();\n"
      << "  std::cout << \"parameters: \" << parameters << \"\\n\";\n"
      << "  torch::Tensor inputs = " << example_input(net) << ";\n"
      << "  {\n    // Inference with the initial weights: eval mode (no dropout, running "
         "statistics).\n"
      << "    torch::NoGradGuard no_grad;\n    model->eval();\n"
      << "    torch::Tensor predicted = model->predict(inputs);\n"
      << "    std::cout << \"inference: \" << predicted.sizes() << \"\\n\";\n"
      << "    print_values(\"logits\", model->forward(inputs));\n"
      << "    print_values(\"predicted\", predicted);\n  }\n"
      << "  // One training step.\n  model->train();\n"
      << "  torch::Tensor output = model->forward(inputs);\n"
      << "  std::cout << \"output: \" << output.sizes() << \"\\n\";\n"
      << "  torch::Tensor target = " << example_target(net) << ";\n"
      << "  auto optimizer = make_optimizer(model->parameters());\n"
      << "  optimizer->zero_grad();\n  torch::Tensor loss = compute_loss(output, target);\n"
      << "  loss.backward();\n  optimizer->step();\n"
      << "  std::cout << \"loss: \" << loss.item<double>() << \"\\n\";\n"
      << "  return 0;\n}\n";
  return out.str();
}

}  // namespace nnbench::dsl
