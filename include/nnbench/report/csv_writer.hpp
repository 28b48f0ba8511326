// results.csv: one row per variant (the ResultRow columns), RFC 4180 quoting, for spreadsheets
// and pandas.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nnbench/report/result_row.hpp"
#include "nnbench/report/writer.hpp"

namespace nnbench::report {

// The header, in column order.
const std::vector<std::string>& csv_columns();
// The one escaping function for CSV, applied to every text cell (names, variants, attributes,
// units, status, reason): RFC 4180 quoting (quoted when it holds a comma, quote, CR or LF; quotes
// doubled), and, against formula injection (OWASP's CSV injection guidance), a text that starts
// with '=', '+', '-', '@', a tab, a CR, or the quote mark '\'' itself gets a leading '\'' and is
// quoted: a spreadsheet shows it as text. Dropping the one leading '\'' of a text cell that has
// one gives the value back exactly.
std::string csv_escape(const std::string& field);
// Header and rows, lines ending in CRLF as RFC 4180 asks. Numbers use the shortest text that
// reads back to the same double and are written as they are (a "-0.5" stays a number); unknown
// figures are empty cells; every other cell goes through csv_escape().
std::string render_csv(const std::vector<Result>& results, const RunInfo& run_info);
// The same cells for `columns` only (results.csv's names, in the order given; an unknown name
// throws std::invalid_argument), lines ending in `line_end`, and with `ok_only` only the variants
// that ran: the files of other tools' layouts (seed_layout.hpp) are made from these.
std::string render_csv_columns(const std::vector<std::string>& columns,
                               const std::vector<Result>& results, const RunInfo& run_info,
                               std::string_view line_end, bool ok_only = false);

class CsvWriter final : public Writer {
 public:
  std::string name() const override { return "csv"; }
  void write(const std::vector<Result>& results, const RunInfo& run_info,
             const std::filesystem::path& dir) const override;  // results.csv
};

}  // namespace nnbench::report
