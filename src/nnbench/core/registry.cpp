// The benchmark registry, filled by NNBENCH_REGISTER before main().
#include <stdexcept>

#include "nnbench/core/benchmark.hpp"

namespace nnbench {

Registry& Registry::global() {
  static Registry registry;  // constructed on first use, so registration order does not matter
  return registry;
}

void Registry::add(BenchmarkInfo info) {
  if (find(info.name)) throw std::logic_error("benchmark registered twice: " + info.name);
  entries_.push_back(std::move(info));
}

const BenchmarkInfo* Registry::find(const std::string& name) const {
  for (const BenchmarkInfo& entry : entries_) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

Registrar::Registrar(std::string name, std::function<std::unique_ptr<Benchmark>()> factory,
                     std::string source_file) {
  Registry::global().add(
      BenchmarkInfo{std::move(name), std::move(factory), std::move(source_file)});
}

}  // namespace nnbench
