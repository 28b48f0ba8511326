// Writes one result file per benchmark.
#include "nnbench/report/json_writer.hpp"

#include <map>
#include <set>
#include <stdexcept>

#include "nnbench/report/output_directory.hpp"
#include "nnbench/report/result_json.hpp"

namespace nnbench::report {

std::string result_file_name(const std::string& benchmark) {
  std::string stem = benchmark.empty() ? std::string("unnamed") : benchmark;
  for (char& c : stem) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
    if (!safe) c = '_';
  }
  if (stem.front() == '.') stem.front() = '_';  // never a hidden file
  if (stem == "summary") stem = "summary.benchmark";
  return stem + ".json";
}

std::vector<std::vector<Result>> group_by_benchmark(const std::vector<Result>& results) {
  std::vector<std::vector<Result>> groups;
  std::map<std::string, std::size_t> index_of;
  for (const Result& result : results) {
    auto [it, inserted] = index_of.try_emplace(result.benchmark, groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(result);
  }
  return groups;
}

void JsonWriter::write(const std::vector<Result>& results, const RunInfo& run_info,
                       const std::filesystem::path& dir) const {
  std::set<std::string> file_names;
  for (const std::vector<Result>& group : group_by_benchmark(results)) {
    const std::string file_name = result_file_name(group.front().benchmark);
    if (!file_names.insert(file_name).second) {
      throw std::logic_error("two benchmarks share the result file name " + file_name);
    }
    write_file_atomically(dir / file_name,
                          json_text(benchmark_file_to_json(group, run_info), 2) + "\n");
  }
}

}  // namespace nnbench::report
