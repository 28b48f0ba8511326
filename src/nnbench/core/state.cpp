// The per-variant State a benchmark fills.
#include "nnbench/core/state.hpp"

#include <fmt/format.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/parse.hpp"

namespace nnbench {

State::State(Variant variant, std::string device, std::uint64_t seed, bool quick,
             OptionValues options)
    : variant_(std::move(variant)),
      device_(std::move(device)),
      seed_(seed),
      quick_(quick),
      options_(std::move(options)),
      timer_(std::make_unique<SteadyTimer>()) {}

const std::string& State::get_string(const std::string& axis) const { return variant_.at(axis); }

long long State::get_int(const std::string& axis) const {
  const std::string& text = variant_.at(axis);
  if (const auto value = parse_integer(text)) return *value;
  throw InputError(fmt::format("axis '{}': value '{}' is not an integer", axis, text));
}

double State::get_float(const std::string& axis) const {
  const std::string& text = variant_.at(axis);
  if (const auto value = parse_real(text)) return *value;
  throw InputError(fmt::format("axis '{}': value '{}' is not a number", axis, text));
}

void State::set_timer(std::unique_ptr<Timer> timer) {
  if (!timer) throw std::invalid_argument("State::set_timer: null timer");
  timer_ = std::move(timer);
}

std::unique_ptr<Timer> State::take_timer() {
  std::unique_ptr<Timer> taken = std::move(timer_);
  timer_ = std::make_unique<SteadyTimer>();
  return taken;
}

void State::add_memory_probe(std::unique_ptr<MemoryProbe> probe) {
  if (!probe) throw std::invalid_argument("State::add_memory_probe: null probe");
  memory_probes_.push_back(std::move(probe));
}

void State::set_items_per_iteration(double items, std::string unit) {
  items_per_iteration_ = items;
  items_unit_ = std::move(unit);
}

void State::add_metric(std::string name, double value, std::string unit, bool higher_is_better) {
  extra_metrics_.push_back(
      ExtraMetric{std::move(name), std::move(unit), value, {}, higher_is_better});
}

void State::skip(const std::string& reason) const { throw SkipError(reason); }

}  // namespace nnbench
