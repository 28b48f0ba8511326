// Seeded benchmark inputs (see inputs.hpp).
#include "nnbench/suites/inputs.hpp"

#include <torch/torch.h>

#include <algorithm>

namespace nnbench::suites {

torch::Tensor seeded_input(const std::vector<std::int64_t>& shape, torch::ScalarType dtype,
                           const torch::Device& device, std::uint64_t seed) {
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  std::vector<std::int64_t> drawn = shape;
  if (!drawn.empty()) drawn[0] = std::min<std::int64_t>(drawn[0], kDrawnSamples);
  torch::Tensor values =
      at::normal(0.0, 1.0, drawn, generator, torch::dtype(torch::kFloat32)).to(device, dtype);
  if (shape.empty() || drawn[0] == shape[0]) return values;
  std::vector<std::int64_t> copies(shape.size(), 1);
  copies[0] = (shape[0] + drawn[0] - 1) / drawn[0];
  return values.repeat(copies).narrow(0, 0, shape[0]).contiguous();
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
