// Seeded benchmark inputs (see inputs.hpp).
#include "nnbench/suites/inputs.hpp"

#include <torch/torch.h>

namespace nnbench::suites {

torch::Tensor seeded_input(const std::vector<std::int64_t>& shape, torch::ScalarType dtype,
                           const torch::Device& device, std::uint64_t seed) {
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  torch::Tensor values = at::normal(0.0, 1.0, shape, generator, torch::dtype(torch::kFloat32));
  return values.to(device, dtype);
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text;
  for (std::int64_t dim : shape) {
    if (!text.empty()) text += 'x';
    text += std::to_string(dim);
  }
  return text;
}

}  // namespace nnbench::suites
