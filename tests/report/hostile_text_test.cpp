// No result value becomes markup, script or a formula: every writer is fed Results whose
// benchmark name, variant values, labels, reasons, notes and run facts hold hostile text
// (hostile_results.hpp), and its output must show that text as text. report.md and compare's
// Markdown are also rendered by a CommonMark renderer when one is installed.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <sstream>

#include "hostile_results.hpp"
#include "nnbench/report/compare.hpp"
#include "nnbench/report/compare_render.hpp"
#include "nnbench/report/csv_writer.hpp"
#include "nnbench/report/json_writer.hpp"
#include "nnbench/report/markdown_writer.hpp"
#include "nnbench/report/result_reader.hpp"
#include "nnbench/report/result_row.hpp"
#include "nnbench/report/summary_writer.hpp"
#include "nnbench/report/text_table.hpp"
#include "report_test_support.hpp"

namespace nnbench::report {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Every '<' of the Markdown that is not one of the writers' own tags (<br>, <code>, </code>).
std::vector<std::string> foreign_tags(const std::string& markdown) {
  std::vector<std::string> foreign;
  for (std::size_t at = markdown.find('<'); at != std::string::npos;
       at = markdown.find('<', at + 1)) {
    const std::string rest = markdown.substr(at, 8);
    if (rest.rfind("<br>", 0) != 0 && rest.rfind("<code>", 0) != 0 &&
        rest.rfind("</code>", 0) != 0) {
      foreign.push_back(markdown.substr(at, 24));
    }
  }
  return foreign;
}

// The '|' of a table line that separate cells: those not escaped by an odd run of backslashes.
std::size_t cell_separators(const std::string& line) {
  std::size_t count = 0, backslashes = 0;
  for (const char c : line) {
    if (c == '|' && backslashes % 2 == 0) ++count;
    backslashes = c == '\\' ? backslashes + 1 : 0;
  }
  return count;
}

// Every row of every table has as many cells as its header: no value split or joined a row.
void expect_tables_keep_their_shape(const std::string& markdown) {
  std::istringstream lines(markdown);
  std::string line;
  std::size_t header_separators = 0;
  bool in_table = false;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] != '|') {
      in_table = false;
      continue;
    }
    if (!in_table) header_separators = cell_separators(line);
    in_table = true;
    EXPECT_EQ(cell_separators(line), header_separators) << line;
  }
}

// How a CommonMark renderer writes `text` as text: HTML-escaped, line breaks as our <br>.
std::string as_rendered_text(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\n':
        out += "<br>";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

// `markdown` rendered to HTML by tests/report/render_markdown.py (markdown-it-py), or nullopt
// when that is not installed.
std::optional<std::string> render_with_commonmark(const std::string& markdown) {
  test::TempDir temp;
  test::write_text(temp.path() / "in.md", markdown);
  const std::string command = fmt::format(
      "'{}' '{}/tests/report/render_markdown.py' '{}' > '{}' 2>&1", NNBENCH_PYTHON_EXE,
      NNBENCH_SOURCE_DIR, (temp.path() / "in.md").string(), (temp.path() / "out.html").string());
  const int status = std::system(command.c_str());
  const int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  const std::string html = test::read_text(temp.path() / "out.html");
  if (exit_code == 3) return std::nullopt;
  EXPECT_EQ(exit_code, 0) << html;
  return html;
}

TEST(MarkdownTextTest, EscapesMarkup_AndLeavesPlainTextAndNumbersReadable) {
  EXPECT_EQ(markdown_text("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
  EXPECT_EQ(markdown_text("a & b"), "a &amp; b");
  EXPECT_EQ(markdown_text("a|b"), "a\\|b");
  EXPECT_EQ(markdown_text("\\ ` * [ ] # ~ $"), "\\\\ \\` \\* \\[ \\] \\# \\~ \\$");
  EXPECT_EQ(markdown_text("batch_size=8"), "batch_size=8");  // inside a word: never emphasis
  EXPECT_EQ(markdown_text("_em_ a_"), "\\_em\\_ a\\_");
  EXPECT_EQ(markdown_text("two\nlines\r\nthree\rfour"), "two<br>lines<br>three<br>four");
  EXPECT_EQ(markdown_text("- item"), "\\- item");
  EXPECT_EQ(markdown_text("+ item"), "\\+ item");
  EXPECT_EQ(markdown_text("12. item"), "12\\. item");
  EXPECT_EQ(markdown_text("3) item"), "3\\) item");
  for (const char* unchanged : {"-20.0%", "+15.0%", "-", "1.5 ms", "0.1250", "mock", ""}) {
    EXPECT_EQ(markdown_text(unchanged), unchanged);
  }
}

TEST(HostileTextTest, ReportMd_ShowsEveryValueAsText) {
  const std::string md = render_markdown_report(test::hostile_results(), test::hostile_run_info());
  EXPECT_TRUE(foreign_tags(md).empty()) << ::testing::PrintToString(foreign_tags(md)) << "\n" << md;
  expect_tables_keep_their_shape(md);
  std::istringstream lines(md);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind('#', 0) == 0) {
      EXPECT_TRUE(line.rfind("# nnbench report: run ", 0) == 0 || line.rfind("## ", 0) == 0)
          << line;
    }
  }
  EXPECT_TRUE(contains(md, "## bench \\$x^2\\$ / &lt;/script&gt;&lt;script&gt;")) << md;
  // The command line that named a hostile model file, in monospace and inert.
  EXPECT_TRUE(contains(md,
                       "<code>nnbench run --axis "
                       "model=a&lt;/script&gt;&lt;script&gt;alert(document.domain)&lt;/"
                       "script&gt;.nn</code>"))
      << md;

  const std::optional<std::string> html = render_with_commonmark(md);
  if (!html) GTEST_SKIP() << "markdown-it-py is not installed in " << NNBENCH_PYTHON_EXE;
  for (const char* element : {"<script", "<img", "<a ", "<em>", "<del>", "<ol", "<h3"}) {
    EXPECT_FALSE(contains(*html, element)) << element << " in\n" << *html;
  }
  // The report's own elements only: one **failed** per failed variant, its title, its three
  // sections (Environment, Run, the benchmark), its four lists (environment, run, variants that
  // did not complete, notes) and no list nested in them.
  EXPECT_EQ(count(*html, "<strong>"), test::hostile_texts().size()) << *html;
  EXPECT_EQ(count(*html, "<h1>"), 1U) << *html;
  EXPECT_EQ(count(*html, "<h2>"), 3U) << *html;
  EXPECT_EQ(count(*html, "<ul>"), 4U) << *html;
  for (const std::string& text : test::hostile_texts()) {
    EXPECT_TRUE(contains(*html, as_rendered_text(text))) << text << " not shown in\n" << *html;
  }
}

Comparison hostile_comparison() {
  LoadedRun base, candidate;
  base.run_info = candidate.run_info = test::hostile_run_info();
  candidate.run_info.run_id = "new " + test::kPwnScript;
  base.results = candidate.results = test::hostile_results();
  for (Result& result : candidate.results) {
    for (Metric& metric : result.metrics) {
      if (metric.name != "latency_ms") continue;
      for (double& ms : metric.samples) ms *= 1.5;
      metric.statistics = compute_statistics(metric.samples);
      metric.value = metric.statistics->median;
    }
  }
  return compare_runs(base, candidate);
}

TEST(HostileTextTest, CompareMarkdown_ShowsEveryValueAsText) {
  const Comparison comparison = hostile_comparison();
  const std::string md = render_comparison_markdown(comparison);
  EXPECT_TRUE(foreign_tags(md).empty()) << ::testing::PrintToString(foreign_tags(md)) << "\n" << md;
  expect_tables_keep_their_shape(md);
  EXPECT_TRUE(contains(md, "## Comparison: 20261123T114002Z &lt;/title&gt;")) << md;
  // Each ok variant got 50% slower: its verdict is the only bold text, and the regression line.
  const std::size_t slower = 2 * test::hostile_texts().size();
  EXPECT_EQ(count(md, "**slower**"), slower) << md;
  // The variant names, notes and reasons show in the table; the model values within them.
  const std::optional<std::string> html = render_with_commonmark(md);
  if (!html) GTEST_SKIP() << "markdown-it-py is not installed in " << NNBENCH_PYTHON_EXE;
  for (const char* element : {"<script", "<img", "<a ", "<em>", "<del>"}) {
    EXPECT_FALSE(contains(*html, element)) << element << " in\n" << *html;
  }
  EXPECT_EQ(count(*html, "<strong>"), slower + 1) << *html;
  for (const std::string& text : test::hostile_texts()) {
    EXPECT_TRUE(contains(*html, "model=" + as_rendered_text(text) + "/batch_size=1"))
        << text << " not shown in\n"
        << *html;
  }
}

TEST(HostileTextTest, CompareTerminal_PrintsValuesAsWritten_WithoutMarkdownEscapes) {
  const std::string terminal = render_comparison_terminal(hostile_comparison());
  EXPECT_TRUE(contains(terminal, test::kHostileBenchmark)) << terminal;
  EXPECT_TRUE(contains(terminal, "model=<img src=x onerror=alert(1)>/batch_size=1")) << terminal;
  for (const char* markdown_escape : {"&lt;img", "&amp;", "\\|", "\\`", "**slower**"}) {
    EXPECT_FALSE(contains(terminal, markdown_escape)) << markdown_escape << " in\n" << terminal;
  }
}

bool starts_like_a_formula(const std::string& cell) {
  return !cell.empty() && std::string("=+-@\t\r").find(cell[0]) != std::string::npos;
}

TEST(HostileTextTest, ResultsCsv_QuotesFormulasAsText_AndGivesEveryValueBack) {
  const std::vector<Result> results = test::hostile_results();
  const RunInfo run_info = test::hostile_run_info();
  const std::string csv = render_csv(results, run_info);
  const auto rows = test::parse_csv(csv);
  ASSERT_EQ(rows.size(), results.size() + 1);
  const std::vector<std::string>& columns = csv_columns();
  const auto at = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(columns.begin(), columns.end(), name) -
                                    columns.begin());
  };
  for (std::size_t i = 0; i < results.size(); ++i) {
    const ResultRow expected = make_result_row(results[i], run_info);
    const std::vector<std::string>& row = rows[i + 1];
    ASSERT_EQ(row.size(), columns.size()) << csv;
    for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
             {"benchmark", expected.benchmark},
             {"variant", expected.variant},
             {"model", expected.model},
             {"framework", expected.framework},
             {"device", expected.device},
             {"device_type", expected.device_type},
             {"throughput_unit", expected.throughput_unit},
             {"status", expected.status},
             {"reason", expected.reason}}) {
      const std::string& cell = row[at(name)];
      EXPECT_FALSE(starts_like_a_formula(cell)) << name << ": " << cell;
      const bool prefixed = starts_like_a_formula(value) || (!value.empty() && value[0] == '\'');
      EXPECT_EQ(cell, prefixed ? "'" + value : value) << name;
    }
    // Numbers are written as they are: no quote mark, and they read back.
    if (expected.latency_p50_ms) {
      const std::string& cell = row[at("latency_p50_ms")];
      EXPECT_EQ(std::stod(cell), *expected.latency_p50_ms) << cell;
    }
  }
  EXPECT_EQ(csv_escape("-0.5"), "\"'-0.5\"") << "a text cell, even one that looks like a number";
  EXPECT_EQ(csv_escape("=1+2"), "\"'=1+2\"");
  EXPECT_EQ(csv_escape("'a"), "\"''a\"");
  EXPECT_EQ(csv_escape("@SUM(1),x"), "\"'@SUM(1),x\"");
  EXPECT_EQ(csv_escape("a=1"), "a=1");
}

TEST(HostileTextTest, NegativeNumbers_AreNotMangled) {
  Result result = test::ok_result("mock", {}, {1.0, 2.0, 3.0});
  result.metrics.push_back(test::single_metric("compile_time_ms", "ms", -0.5));
  const auto rows = test::parse_csv(render_csv({result}, test::sample_run_info()));
  const auto& columns = csv_columns();
  const auto column =
      std::find(columns.begin(), columns.end(), "compile_time_ms") - columns.begin();
  EXPECT_EQ(rows.at(1).at(static_cast<std::size_t>(column)), "-0.5");
}

TEST(HostileTextTest, ResultFilesAndSummaryJson_GiveEveryValueBackExactly) {
  const std::vector<Result> results = test::hostile_results();
  const RunInfo run_info = test::hostile_run_info();
  test::TempDir temp;
  JsonWriter().write(results, run_info, temp.path());
  const LoadedRun loaded = read_results(temp.path());
  EXPECT_EQ(loaded.run_info.run_id, run_info.run_id);
  EXPECT_EQ(loaded.run_info.command_line, run_info.command_line);
  ASSERT_EQ(loaded.results.size(), results.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    test::expect_same_result(results[i], loaded.results[i]);
  }

  const ordered_json summary = ordered_json::parse(summary_to_json(results, run_info).dump(2));
  ASSERT_EQ(summary.at("results").size(), results.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    const ordered_json& row = summary.at("results").at(i);
    EXPECT_EQ(row.at("benchmark"), results[i].benchmark);
    EXPECT_EQ(row.at("variant"), results[i].variant.name());
    EXPECT_EQ(row.at("reason"), results[i].reason);
  }
}

}  // namespace
}  // namespace nnbench::report
