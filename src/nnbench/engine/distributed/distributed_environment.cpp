// distributed_environment_from_env: torchrun's variables, read and checked.
#include "nnbench/engine/distributed/distributed_environment.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/parse.hpp"

namespace nnbench::engine {
namespace {

// The variable as an int, `fallback` where it is unset; InputError naming it otherwise.
int integer_variable(const char* name, int fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  const std::optional<long long> value = parse_integer(text);
  if (!value || *value < 0 || *value > 1'000'000) {
    throw InputError(
        fmt::format("environment variable {}='{}': expected a whole number >= 0", name, text));
  }
  return static_cast<int>(*value);
}

}  // namespace

DistributedEnvironment distributed_environment_from_env() {
  DistributedEnvironment environment;
  environment.rank = integer_variable("RANK", 0);
  environment.world_size = integer_variable("WORLD_SIZE", 1);
  environment.local_rank = integer_variable("LOCAL_RANK", environment.rank);
  environment.master_port = integer_variable("MASTER_PORT", environment.master_port);
  if (const char* addr = std::getenv("MASTER_ADDR"); addr != nullptr && *addr != '\0') {
    environment.master_addr = addr;
  }
  if (environment.world_size < 1 || environment.rank >= environment.world_size) {
    throw InputError(fmt::format("environment: RANK={} is outside 0..WORLD_SIZE-1 (WORLD_SIZE={})",
                                 environment.rank, environment.world_size));
  }
  if (environment.master_port < 1 || environment.master_port > 65535) {
    throw InputError(
        fmt::format("environment: MASTER_PORT={} is outside 1..65535", environment.master_port));
  }
  return environment;
}

}  // namespace nnbench::engine
