// The per-variant State a benchmark fills.
#include "nnbench/core/state.hpp"

#include <cmath>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"

namespace nnbench {

State::State(Variant variant, std::string device, std::uint64_t seed, bool quick,
             std::map<std::string, std::string> options)
    : variant_(std::move(variant)),
      device_(std::move(device)),
      seed_(seed),
      quick_(quick),
      options_(std::move(options)),
      timer_(std::make_unique<SteadyTimer>()) {}

const std::string& State::get_string(const std::string& axis) const { return variant_.at(axis); }

long long State::get_int(const std::string& axis) const {
  const std::string& text = variant_.at(axis);
  try {
    std::size_t used = 0;
    const long long value = std::stoll(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  throw InputError(fmt::format("axis '{}': value '{}' is not an integer", axis, text));
}

double State::get_float(const std::string& axis) const {
  const std::string& text = variant_.at(axis);
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size() && std::isfinite(value)) return value;
  } catch (const std::exception&) {
  }
  throw InputError(fmt::format("axis '{}': value '{}' is not a number", axis, text));
}

long long count_option(const std::map<std::string, std::string>& options, const std::string& key,
                       long long fallback) {
  const auto it = options.find(key);
  if (it == options.end() || it->second.empty()) return fallback;
  const std::string& text = it->second;
  try {
    std::size_t used = 0;
    const long long value = std::stoll(text, &used);
    if (used == text.size() && value >= 0) return value;
  } catch (const std::exception&) {
  }
  throw InputError(fmt::format("option {}='{}': expected a non-negative integer", key, text));
}

std::string State::option(const std::string& key, const std::string& fallback) const {
  const auto it = options_.find(key);
  return it == options_.end() ? fallback : it->second;
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
