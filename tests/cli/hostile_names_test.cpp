// End to end, no result value injects markup or script into a report: a run directory whose
// benchmark, variants, labels, reasons and run id hold hostile text (written by the report
// layer's writers from tests/report/hostile_results.hpp, since `nnbench run` itself only reaches
// such names through a model path) goes through `nnbench report --html`, loaded in headless
// Chromium, and through `nnbench report` (matplotlib). And every failure of the Python helpers
// reaches the user as one line, never a traceback or an empty error.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../report/hostile_results.hpp"
#include "cli_runner.hpp"
#include "dashboard_support.hpp"
#include "nnbench/report/writer.hpp"

namespace nnbench {
namespace {

using testing::chromium;
using testing::count;
using testing::read_text;
using testing::run_command_line;
using testing::run_nnbench;
using testing::TempDir;

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// `text` as an HTML serializer writes a text node.
std::string html_text(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

// The error a failed command printed: exactly one line "nnbench: error: <something>".
void expect_one_line_error(const testing::CommandResult& r) {
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.err.rfind("nnbench: error: ", 0), 0U) << r.err;
  EXPECT_GT(r.err.size(), std::string("nnbench: error: \n").size()) << "an empty error";
  EXPECT_EQ(count(r.err, "\n"), 1U) << r.err;
  EXPECT_EQ(r.err.back(), '\n') << r.err;
  EXPECT_FALSE(contains(r.err, "Traceback")) << r.err;
}

class HostileNames : public ::testing::Test {
 protected:
  void SetUp() override {
    run_dir_ = tmp_.path() / "results" / "hostile-run";
    fs::create_directories(run_dir_);
    report::write_all(test::hostile_results(), test::hostile_run_info(), run_dir_);
  }
  std::string quoted_run_dir() const { return "'" + run_dir_.string() + "'"; }
  TempDir tmp_;
  fs::path run_dir_;
};

TEST_F(HostileNames, Dashboard_RunsNoInjectedScript_AndShowsTheNamesAsText) {
  const fs::path page = tmp_.path() / "page.html";
  auto r = run_nnbench("report " + quoted_run_dir() + " --html --out '" + page.string() + "'",
                       tmp_.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string html = read_text(page);
  EXPECT_FALSE(contains(html, test::kPwnScript)) << "a raw </script> in the page";
  EXPECT_FALSE(contains(html, "<img src=x")) << "a raw <img> in the page";
  EXPECT_FALSE(contains(html, "document.title='pwned'</script>"));

  const std::string browser = chromium();
  if (browser.empty()) GTEST_SKIP() << "no chromium here (scripts/setup-deps installs it)";
  // An injected alert() would hold the page open for ever: the timeout ends it.
  r = run_command_line("timeout 120 '" + browser +
                           "' --headless --no-sandbox --disable-gpu --virtual-time-budget=10000 "
                           "--enable-logging=stderr --v=0 --dump-dom 'file://" +
                           page.string() + "'",
                       tmp_.path());
  ASSERT_NE(r.exit_code, 124) << "Chromium did not finish: an injected alert() is open?";
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string& dom = r.out;
  ASSERT_TRUE(contains(dom, "<body")) << dom.substr(0, 2000);
  // The injected scripts did not run: the body is unmarked, the title is the page's own.
  EXPECT_FALSE(contains(dom, "data-pwned")) << "the injected script ran";
  EXPECT_TRUE(contains(dom, "<title>nnbench: " + html_text(test::kHostileRunId) + "</title>"))
      << dom.substr(0, 2000);
  EXPECT_FALSE(contains(dom, "<img")) << "an injected <img> element";
  EXPECT_EQ(r.err.find(":CONSOLE"), std::string::npos) << "console output:\n" << r.err;
  // Plotly drew the charts, and every name shows as text: in the table, the legends (Plotly's
  // SVG text) and the chart titles.
  EXPECT_EQ(count(dom, "class=\"chart js-plotly-plot\""), 2U) << "charts drawn by Plotly";
  for (const std::string& text : test::hostile_texts()) {
    if (contains(text, "\n")) continue;  // a line break is a space in SVG text
    EXPECT_TRUE(contains(dom, ">" + html_text(text) + "</td>")) << text << " in the table";
    EXPECT_TRUE(contains(dom, ">model=" + html_text(text) + "</text>")) << text << " in a legend";
  }
  EXPECT_TRUE(contains(dom, html_text(test::kHostileBenchmark) + ": throughput vs batch size"))
      << "the chart title";
  EXPECT_TRUE(contains(dom, html_text("throughput (" + test::kHostileUnit + ")")))
      << "the axis title";
}

TEST_F(HostileNames, Plots_DrawTheNamesAsWritten_AndReportMdLinksThem) {
  const auto r = run_nnbench("report " + quoted_run_dir(), tmp_.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "2 plot(s)")) << r.out;  // throughput and latency
  std::size_t svgs = 0;
  for (const auto& entry : fs::directory_iterator(run_dir_ / "plots")) {
    const std::string name = entry.path().filename().string();
    EXPECT_EQ(name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                     "0123456789._-"),
              std::string::npos)
        << name;
    if (entry.path().extension() != ".svg") continue;
    ++svgs;
    const std::string svg = read_text(entry.path());
    EXPECT_FALSE(contains(svg, "<script")) << name;
    EXPECT_FALSE(contains(svg, "<img")) << name;
  }
  EXPECT_EQ(svgs, 2U);
  // Matplotlib writes each text it draws in a comment: the legend shows the name as written.
  const nlohmann::json index = nlohmann::json::parse(read_text(run_dir_ / "plots" / "index.json"));
  const std::string throughput_svg =
      read_text(run_dir_ / "plots" / index.at(0).at("svg").get<std::string>());
  EXPECT_TRUE(contains(throughput_svg, "model=$x^2$")) << "the mathtext-looking name";
  const std::string md = read_text(run_dir_ / "report.md");
  EXPECT_TRUE(contains(md, "![bench \\$x^2\\$ / &lt;/script&gt;")) << md;
  EXPECT_FALSE(contains(md, "<script")) << md;
}

// `--out` in a folder that does not exist: one line naming it, not an empty error.
TEST_F(HostileNames, DashboardIntoAMissingFolder_IsOneLineNamingIt) {
  const auto r = run_nnbench(
      "report " + quoted_run_dir() + " --html --out '" + tmp_.path().string() + "/missing/x.html'",
      tmp_.path());
  expect_one_line_error(r);
  EXPECT_TRUE(contains(r.err, "/missing")) << r.err;
  EXPECT_TRUE(contains(r.err, "does not exist")) << r.err;
}

// A result file of the wrong shape: the dashboard names the file and the field, in one line.
TEST_F(HostileNames, AResultFileOfTheWrongShape_IsOneLineNamingTheFile) {
  std::ofstream(run_dir_ / "broken.json")
      << R"({"schema_version": 1, "benchmark": "b", "run": {"run_id": "r"}, "context": {},
             "benchmark_scenarios": [{"scenario_name": "s", "status": "ok", "variant": {},
                                      "labels": {}, "measurements": []}]})";
  const auto r = run_nnbench("report " + quoted_run_dir() + " --html", tmp_.path());
  expect_one_line_error(r);
  EXPECT_TRUE(contains(r.err, "broken.json")) << r.err;
  EXPECT_TRUE(contains(r.err, "measurements")) << r.err;
}

// A stand-in for the project's Python (NNBENCH_PYTHON): a shell script running `body`.
fs::path fake_python(const fs::path& dir, const std::string& name, const std::string& body) {
  const fs::path path = dir / name;
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  fs::permissions(path, fs::perms::owner_all);
  return path;
}

TEST_F(HostileNames, APythonThatPrintsATraceback_GivesItsLastLine) {
  const fs::path python =
      fake_python(tmp_.path(), "python-traceback",
                  "printf 'Traceback (most recent call last):\\n  File \"x.py\", line 1\\n"
                  "ValueError: something broke\\n' >&2; exit 9");
  const auto r = run_command_line("NNBENCH_PYTHON='" + python.string() + "' '" + NNBENCH_BINARY +
                                      "' report " + quoted_run_dir(),
                                  tmp_.path());
  expect_one_line_error(r);
  EXPECT_TRUE(contains(r.err, "plot_results.py: ValueError: something broke")) << r.err;
}

TEST_F(HostileNames, APythonThatPrintsNothing_IsNamedWithItsStatus) {
  const fs::path python = fake_python(tmp_.path(), "python-silent", "exit 2");
  const auto r = run_command_line("NNBENCH_PYTHON='" + python.string() + "' '" + NNBENCH_BINARY +
                                      "' report " + quoted_run_dir() + " --html",
                                  tmp_.path());
  expect_one_line_error(r);
  EXPECT_TRUE(contains(r.err, "dashboard.py exited with status 2")) << r.err;
}

// An exception the script does not expect (here json.dumps made to fail) is one line with its
// type, from the script's own top-level guard.
TEST_F(HostileNames, AnUnexpectedExceptionInTheScript_IsOneLineInternalError) {
  const fs::path python =
      fake_python(tmp_.path(), "python-broken-json",
                  std::string("exec '") + NNBENCH_PYTHON_EXE +
                      "' -c 'import json, os, runpy, sys\n"
                      "def boom(*args, **kwargs): raise RuntimeError(\"boom\\nsecond line\")\n"
                      "json.dumps = boom\n"
                      "sys.argv = sys.argv[1:]; sys.path.insert(0, os.path.dirname(sys.argv[0]))\n"
                      "runpy.run_path(sys.argv[0], run_name=\"__main__\")' \"$@\"");
  const auto r = run_command_line("NNBENCH_PYTHON='" + python.string() + "' '" + NNBENCH_BINARY +
                                      "' report " + quoted_run_dir(),
                                  tmp_.path());
  expect_one_line_error(r);
  EXPECT_TRUE(contains(r.err, "plot_results: internal error: RuntimeError: boom second line"))
      << r.err;
}

}  // namespace
}  // namespace nnbench
