// Output checks before timing (see output_check.hpp).
#include "nnbench/suites/output_check.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"

namespace nnbench::suites {

double relative_tolerance(torch::ScalarType dtype) {
  if (dtype == torch::kFloat16) return 2e-2;
  if (dtype == torch::kBFloat16) return 1e-1;
  return 1e-4;
}

double relative_difference(const torch::Tensor& output, const torch::Tensor& reference) {
  if (output.sizes() != reference.sizes()) return std::numeric_limits<double>::infinity();
  if (reference.numel() == 0) return 0;
  const torch::Tensor want = reference.to(torch::kCPU, torch::kFloat64);
  const double scale = std::max(want.abs().max().item<double>(), 1e-30);
  return (output.to(torch::kCPU, torch::kFloat64) - want).abs().max().item<double>() / scale;
}

double relative_difference(const std::vector<torch::Tensor>& outputs,
                           const std::vector<torch::Tensor>& references) {
  if (outputs.size() != references.size()) return std::numeric_limits<double>::infinity();
  double worst = 0;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    worst = std::max(worst, relative_difference(outputs[i], references[i]));
  }
  return worst;
}

namespace {

const char* dtype_name(torch::ScalarType dtype) {
  if (dtype == torch::kFloat16) return "fp16";
  if (dtype == torch::kBFloat16) return "bf16";
  if (dtype == torch::kFloat32) return "fp32";
  return c10::toString(dtype);
}

}  // namespace

void check_output(State& state, const std::string& metric, double difference,
                  torch::ScalarType dtype, const std::string& what, const std::string& reference) {
  const double tolerance = relative_tolerance(dtype);
  if (!(difference <= tolerance)) {
    throw Error(fmt::format(
        "{}: the output differs from {} by {:.3g} of its largest value (tolerance {:.3g} in {})",
        what, reference, difference, tolerance, c10::toString(dtype)));
  }
  state.add_metric(metric, difference, "ratio");
}

}  // namespace nnbench::suites
