// Arrival times of a Poisson process (the server scenario's queries): exponential gaps at a
// rate, from a seed. The same seed gives the same times on every platform: the gaps come from
// std::mt19937_64 (fully specified) through nnbench's own inverse CDF, not from
// std::exponential_distribution, whose algorithm the standard leaves to each library.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace nnbench::load {

class PoissonArrivals {
 public:
  // Throws InputError unless rate_per_s is finite and > 0.
  PoissonArrivals(double rate_per_s, std::uint64_t seed);

  // The next arrival, as time since the process started (non-decreasing).
  std::chrono::nanoseconds next();
  double rate_per_s() const { return rate_per_s_; }

 private:
  double rate_per_s_;
  std::mt19937_64 engine_;
  double elapsed_s_ = 0;
};

}  // namespace nnbench::load
