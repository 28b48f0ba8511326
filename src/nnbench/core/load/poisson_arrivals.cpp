// Poisson arrivals (see poisson_arrivals.hpp).
#include "nnbench/core/load/poisson_arrivals.hpp"

#include <cmath>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"

namespace nnbench::load {

PoissonArrivals::PoissonArrivals(double rate_per_s, std::uint64_t seed)
    : rate_per_s_(rate_per_s), engine_(seed) {
  if (!std::isfinite(rate_per_s) || rate_per_s <= 0) {
    throw InputError(
        fmt::format("arrival rate {} per second: expected a positive number", rate_per_s));
  }
}

std::chrono::nanoseconds PoissonArrivals::next() {
  // u uniform in [0, 1) from the top 53 bits; the gap -ln(1 - u) / rate is exponential.
  const double u = static_cast<double>(engine_() >> 11) * 0x1.0p-53;
  elapsed_s_ += -std::log1p(-u) / rate_per_s_;
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(elapsed_s_ * 1e9)));
}

}  // namespace nnbench::load
