// The summary table printer.
#include "nnbench/dsl/summary.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace nnbench::dsl {
namespace {

std::string shape_text(const ir::Shape& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  return out + ")";
}

using Row = std::array<std::string, 6>;

void collect(const std::vector<ir::Layer>& layers, int depth, std::vector<Row>& rows) {
  for (const ir::Layer& layer : layers) {
    std::string name(static_cast<std::size_t>(depth) * 2, ' ');
    const auto slash = layer.name.rfind('/');
    name += slash == std::string::npos ? layer.name : layer.name.substr(slash + 1);
    rows.push_back({name, ir::source_name(layer.kind), shape_text(layer.output_shape),
                    with_thousands(layer.param_count), with_thousands(layer.macs),
                    with_thousands(layer.activation_bytes)});
    collect(layer.body, depth + 1, rows);
  }
}

}  // namespace

std::string with_thousands(std::int64_t value) {
  std::string digits = std::to_string(value);
  const bool negative = digits.front() == '-';
  if (negative) digits.erase(0, 1);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

std::string render_summary(const ir::Network& network) {
  std::vector<Row> rows = {{"layer", "type", "output shape", "params", "MACs", "activation bytes"}};
  collect(network.layers, 0, rows);
  rows.push_back({"total", "", shape_text(network.output_shape),
                  with_thousands(network.total_params), with_thousands(network.total_macs),
                  with_thousands(network.total_activation_bytes)});
  std::array<std::size_t, 6> width{};
  for (const Row& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out = "network " + network.name + ": input " + shape_text(network.input_shape) + " " +
                    ir::to_string(network.input_dtype) + " per sample (written " +
                    shape_text(network.input_shape_as_written) + "), loss " +
                    ir::to_string(network.loss) + ", optimizer " +
                    ir::to_string(network.optimizer.kind) + "\n";
  std::size_t line_width = 0;
  for (std::size_t w : width) line_width += w + 2;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (r + 1 == rows.size()) out += std::string(line_width - 2, '-') + "\n";
    std::string line;
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const std::string& cell = rows[r][c];
      const std::string pad(width[c] - cell.size(), ' ');
      line += c >= 3 ? pad + cell : cell + pad;  // numbers right-aligned
      if (c + 1 < rows[r].size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    if (r == 0) out += std::string(line_width - 2, '-') + "\n";
  }
  for (const ir::HpoAssignment& a : network.hpo) out += "hpo " + a.axis + " = " + a.value + "\n";
  return out;
}

}  // namespace nnbench::dsl
