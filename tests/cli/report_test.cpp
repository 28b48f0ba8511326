// End to end: `nnbench report RUN_DIR` regenerates report.md and draws the plots with matplotlib:
// valid PNG files of the size 300 DPI gives, SVG files, and the report listing them; a directory
// without results and a Python without matplotlib are one clear error each.
#include <cstdint>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "cli_runner.hpp"
#include "dashboard_support.hpp"

namespace nnbench {
namespace {

using testing::chromium;
using testing::count;
using testing::only_run_dir;
using testing::read_text;
using testing::run_command_line;
using testing::run_nnbench;
using testing::TempDir;

namespace fs = std::filesystem;

std::uint32_t big_endian(const std::string& bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes.at(at + i));
  }
  return value;
}

// PNG signature, IHDR width and height, and the pHYs density (pixels per metre).
struct PngFacts {
  bool signature = false;
  std::uint32_t width = 0, height = 0, pixels_per_metre = 0;
};

PngFacts read_png(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  PngFacts facts;
  facts.signature = bytes.size() > 33 && bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0;
  if (!facts.signature) return facts;
  facts.width = big_endian(bytes, 16);
  facts.height = big_endian(bytes, 20);
  // Chunks: length, type, data, CRC.
  for (std::size_t at = 8; at + 12 <= bytes.size();) {
    const std::uint32_t length = big_endian(bytes, at);
    if (bytes.compare(at + 4, 4, "pHYs") == 0) facts.pixels_per_metre = big_endian(bytes, at + 8);
    at += 12 + length;
  }
  return facts;
}

class ReportCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto r = run_nnbench(
        "run --enable-mock --include mock --quiet --iterations 20 "
        "--no-history --output-dir '" +
            (tmp_.path() / "results").string() + "'",
        tmp_.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    run_dir_ = only_run_dir(tmp_.path() / "results");
    ASSERT_FALSE(run_dir_.empty());
  }
  std::string report_args() const { return "report '" + run_dir_.string() + "'"; }
  TempDir tmp_;
  fs::path run_dir_;
};

TEST_F(ReportCommand, DrawsPngAt300DpiAndSvg_AndListsThemInTheReport) {
  fs::remove(run_dir_ / "report.md");
  const auto r = run_nnbench(report_args(), tmp_.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("3 plot(s)"), std::string::npos) << r.out;
  for (const char* name : {"throughput_vs_batch_mock", "latency_vs_batch_mock", "memory_mock"}) {
    const PngFacts png = read_png(run_dir_ / "plots" / (std::string(name) + ".png"));
    EXPECT_TRUE(png.signature) << name;
    EXPECT_EQ(png.pixels_per_metre, 11811U) << name;  // 300 DPI
    if (std::string(name) != "memory_mock") {
      EXPECT_EQ(png.width, 1920U) << name;  // 6.4 in x 300 DPI
      EXPECT_EQ(png.height, 1200U) << name;
    }
    const std::string svg = read_text(run_dir_ / "plots" / (std::string(name) + ".svg"));
    EXPECT_EQ(svg.rfind("<?xml", 0), 0U) << name;
    EXPECT_NE(svg.find("<svg"), std::string::npos) << name;
    EXPECT_NE(svg.find("</svg>"), std::string::npos) << name;
  }
  const std::string svg = read_text(run_dir_ / "plots" / "throughput_vs_batch_mock.svg");
  EXPECT_NE(svg.find("width=\"460.8pt\" height=\"288pt\""), std::string::npos);
  const std::string report = read_text(run_dir_ / "report.md");
  EXPECT_NE(report.find("| model=mock_small/mode=eager/batch_size=1"), std::string::npos);
  EXPECT_NE(report.find("## Plots"), std::string::npos);
  EXPECT_NE(report.find("![mock: throughput vs batch size](plots/throughput_vs_batch_mock.png)"),
            std::string::npos)
      << report;
}

TEST_F(ReportCommand, NoPlots_RegeneratesOnlyTheReport) {
  fs::remove(run_dir_ / "report.md");
  const auto r = run_nnbench(report_args() + " --no-plots", tmp_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_regular_file(run_dir_ / "report.md"));
  EXPECT_FALSE(fs::exists(run_dir_ / "plots"));
}

TEST_F(ReportCommand, APythonWithoutMatplotlib_IsNamed) {
  // A Python whose `import matplotlib` fails, whatever is installed.
  const fs::path fake = tmp_.path() / "python-without-matplotlib";
  std::ofstream(fake)
      << "#!/bin/sh\nexec '" << NNBENCH_PYTHON_EXE
      << "' -c 'import os, runpy, sys; sys.modules[\"matplotlib\"] = None; "
         "sys.argv = sys.argv[1:]; sys.path.insert(0, os.path.dirname(sys.argv[0])); "
         "runpy.run_path(sys.argv[0], run_name=\"__main__\")' \"$@\"\n";
  fs::permissions(fake, fs::perms::owner_all);
  const auto r = run_command_line(
      "NNBENCH_PYTHON='" + fake.string() + "' '" + NNBENCH_BINARY + "' " + report_args(),
      tmp_.path());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("matplotlib is not installed"), std::string::npos) << r.err;
}

// Two runs in one results folder, one page: opened in headless Chromium, Plotly draws both
// charts (its SVG is in the DOM), nothing reaches the console, and a screenshot is taken.
TEST_F(ReportCommand, DashboardOfTwoRuns_RendersInHeadlessChromium) {
  const fs::path root = tmp_.path() / "results";
  auto r = run_nnbench(
      "run --enable-mock --include mock --quiet --iterations 20 --no-history "
      "--option mock_scale=1.5 --output-dir '" +
          root.string() + "'",
      tmp_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_nnbench("report '" + root.string() + "' --html", tmp_.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const fs::path page = root / "dashboard.html";
  const std::string html = read_text(page);
  EXPECT_EQ(html.find("<script src"), std::string::npos);  // nothing to fetch: self-contained
  EXPECT_NE(html.find("Plotly.newPlot('chart1'"), std::string::npos);
  EXPECT_NE(html.find(run_dir_.filename().string()), std::string::npos);
  EXPECT_GT(fs::file_size(page), 1'000'000U);  // plotly.min.js inlined

  const std::string browser = chromium();
  if (browser.empty()) GTEST_SKIP() << "no chromium here (scripts/setup-deps installs it)";
  const std::string flags = "--headless --no-sandbox --disable-gpu --virtual-time-budget=10000 ";
  const std::string url = "file://" + page.string();
  r = run_command_line(
      "'" + browser + "' " + flags + "--enable-logging=stderr --v=0 --dump-dom '" + url + "'",
      tmp_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count(r.out, "class=\"chart js-plotly-plot\""), 2U) << "charts drawn by Plotly";
  EXPECT_GE(count(r.out, "class=\"main-svg\""), 2U);
  EXPECT_EQ(count(r.out, "<tr>"), 2U + 1U + 16U + 1U);  // runs: 2 + header; variants: 16 + header
  EXPECT_EQ(r.err.find(":CONSOLE"), std::string::npos) << "console output:\n" << r.err;

  const fs::path shot = tmp_.path() / "dashboard.png";
  r = run_command_line("'" + browser + "' " + flags + "--window-size=1280,1600 --screenshot='" +
                           shot.string() + "' '" + url + "'",
                       tmp_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const PngFacts png = read_png(shot);
  EXPECT_TRUE(png.signature);
  EXPECT_EQ(png.width, 1280U);
}

// Model sizes of the scaling MLP: the scaling plot (throughput, latency, peak memory), with each
// line's fitted slope in its label.
TEST(ReportCommandScaling, DrawsThroughputLatencyAndMemoryAgainstParameters) {
  TempDir tmp;
  auto r = run_nnbench(
      "run --include mlp_inference --axis hidden_dim=32,64,128 --axis "
      "batch_size=1,4 --iterations 5 --warmup 1 --quiet --no-history "
      "--output-dir '" +
          (tmp.path() / "results").string() + "'",
      tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path dir = only_run_dir(tmp.path() / "results");
  r = run_nnbench("report '" + dir.string() + "'", tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(read_png(dir / "plots" / "scaling_mlp_inference.png").signature);
  const std::string svg = read_text(dir / "plots" / "scaling_mlp_inference.svg");
  EXPECT_NE(svg.find("slope"), std::string::npos);
  EXPECT_NE(svg.find("host peak RSS"), std::string::npos) << "the memory panel";
  EXPECT_NE(read_text(dir / "report.md").find("plots/scaling_mlp_inference.png"),
            std::string::npos);
}

TEST(ReportCommandInput, ADirectoryWithoutResults_IsNamed) {
  TempDir tmp;
  fs::create_directories(tmp.path() / "empty");
  const auto r = run_nnbench("report '" + (tmp.path() / "empty").string() + "'", tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("empty"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace nnbench
