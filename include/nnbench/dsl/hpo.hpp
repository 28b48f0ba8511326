// Search spaces written in a model (HPO(choice(...)), HPO(range(...)), HPO(log_range(...))):
// naming them, turning them into benchmark axes, and substituting one chosen variant.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nnbench/core/axis.hpp"
#include "nnbench/dsl/ast.hpp"
#include "nnbench/dsl/diagnostic.hpp"
#include "nnbench/dsl/ir.hpp"

namespace nnbench::dsl {

// At most this many values per axis (a range with a tiny step is reported, not enumerated).
inline constexpr std::size_t kMaxAxisValues = 10000;

// How log_range values are sampled: `samples` log-uniform draws from a generator seeded with
// `seed` (the same seed gives the same values on every platform).
struct HpoSampling {
  int samples = 3;
  std::uint64_t seed = 0;
};

// Gives every search space in `file` its axis name, stored in Value::text, from where it is
// written: "layer2.Dense.units", "layer4.Residual.layer1.Conv2D.filters",
// "MyBlock.layer1.Dropout.rate", "optimizer.learning_rate", "train.batch_size"; a tuple
// element adds its index (".kernel_size.0"). Call before expand_macros(), so that copies made by
// repetition and macros share one axis.
void name_hpo_axes(ast::File& file);

// The axes of one expanded network, in source order, one per distinct name. choice: its
// options; range: low, low + step, ... up to high (step defaults to 1 for integers); log_range:
// HpoSampling draws. Malformed search spaces (empty choice, mixed types, low >= high, a
// non-positive step or log_range bound) are reported to `diagnostics`.
std::vector<nnbench::Axis> hpo_axes(const ast::Network& network, const HpoSampling& sampling,
                                    Diagnostics& diagnostics);

// Replaces every search space of `network` by the value chosen for its axis (`chosen`: axis
// name -> value text, as in a Variant); axes absent from `chosen` take their first value.
// A chosen value outside its search space is reported. Returns the assignment made per axis.
std::vector<ir::HpoAssignment> substitute_hpo(ast::Network& network,
                                              const std::vector<nnbench::Axis>& axes,
                                              const std::map<std::string, std::string>& chosen,
                                              Diagnostics& diagnostics);

}  // namespace nnbench::dsl
