// The JSON shape of results (schema_version 1, docs/result.schema.json): conversions of the core
// records to and from nlohmann::ordered_json, shared by the JSON writer, summary.json and the
// reader. Key order is kept as written, so files read top-down the way docs/result-format.md does.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnbench/core/result.hpp"

namespace nnbench::report {

using ordered_json = nlohmann::ordered_json;

inline constexpr int kResultSchemaVersion = 1;

// A number as JSON; NaN and infinities become null, since JSON has no literal for them.
ordered_json json_number(double value);

// The document as JSON text (indented when indent >= 0). JSON must be UTF-8: a string or key
// holding bytes that are not (a path or argument in another encoding) is written with those
// bytes as `\xHH` (escape_invalid_utf8), never thrown on.
std::string json_text(const ordered_json& document, int indent = -1);

ordered_json run_info_to_json(const RunInfo& run_info);  // without the environment
ordered_json environment_to_json(const Environment& environment);
ordered_json provenance_to_json(const Provenance& provenance);
ordered_json metric_to_json(const Metric& metric);  // statistics flattened into the object
// One entry of benchmark_scenarios, including the seed-compatible `metadata` view.
ordered_json variant_record_to_json(const Result& result, const RunInfo& run_info);
// The whole per-benchmark file for results of one benchmark (all with the same benchmark name).
ordered_json benchmark_file_to_json(const std::vector<Result>& results, const RunInfo& run_info);

// The benchmark's model label (label or axis "model") when every result agrees, else its name.
std::string model_name_of(const std::vector<Result>& results);

// Inverse conversions. Throw InputError naming the JSON path (e.g. "benchmark_scenarios[2].status")
// of a missing field or one of the wrong type; callers prefix the file name.
RunInfo run_info_from_json(const ordered_json& run, const ordered_json& context);
Environment environment_from_json(const ordered_json& context);
Result variant_record_from_json(const ordered_json& record, const std::string& benchmark,
                                const std::string& where);

}  // namespace nnbench::report
