// results.csv: one row per variant (the ResultRow columns), RFC 4180 quoting, for spreadsheets
// and pandas.
#pragma once

#include <string>
#include <vector>

#include "nnbench/report/result_row.hpp"
#include "nnbench/report/writer.hpp"

namespace nnbench::report {

// The header, in column order.
const std::vector<std::string>& csv_columns();
// One field per RFC 4180: quoted when it holds a comma, quote, CR or LF (quotes doubled).
std::string csv_escape(const std::string& field);
// Header and rows, lines ending in CRLF as RFC 4180 asks. Numbers use the shortest text that
// reads back to the same double; unknown figures are empty cells.
std::string render_csv(const std::vector<Result>& results, const RunInfo& run_info);

class CsvWriter final : public Writer {
 public:
  std::string name() const override { return "csv"; }
  void write(const std::vector<Result>& results, const RunInfo& run_info,
             const std::filesystem::path& dir) const override;  // results.csv
};

}  // namespace nnbench::report
