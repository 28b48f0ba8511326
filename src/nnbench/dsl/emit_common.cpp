// Helpers every code-emitting back end shares (see emit_common.hpp).
#include "emit_common.hpp"

namespace nnbench::dsl::emit {

std::string identifier(const std::string& layer_name) {
  std::string out = layer_name;
  for (char& c : out) {
    if (c == '/') c = '_';
  }
  return out;
}

bool any_nonzero(const std::vector<std::int64_t>& values) {
  for (std::int64_t v : values) {
    if (v != 0) return true;
  }
  return false;
}

bool uses(const std::vector<ir::Layer>& layers, ir::LayerKind kind) {
  for (const ir::Layer& layer : layers) {
    if (layer.kind == kind || uses(layer.body, kind)) return true;
  }
  return false;
}

}  // namespace nnbench::dsl::emit
