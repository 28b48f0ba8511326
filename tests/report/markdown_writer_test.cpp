// report.md: environment block, debug warning, per-benchmark tables, not-run list, notes.
#include "nnbench/report/markdown_writer.hpp"

#include <gtest/gtest.h>

#include "nnbench/report/text_table.hpp"
#include "report_test_support.hpp"

namespace nnbench::report {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::vector<Result> report_results() {
  Result small = test::ok_result("resnet_inference", {{"batch_size", "1"}, {"dtype", "fp32"}},
                                 {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0});
  small.metrics.push_back(test::single_metric("peak_rss_bytes", "bytes", 256.0 * 1024 * 1024));
  Result large = test::ok_result("resnet_inference", {{"batch_size", "8"}, {"dtype", "fp32"}},
                                 {20.0, 21.0, 22.0});
  large.provenance.notes.push_back("variant | with a pipe");
  Result oom = test::status_result("resnet_inference", {{"batch_size", "64"}, {"dtype", "fp32"}},
                                   ResultStatus::Failed, "out of memory");
  Result mock = test::ok_result("mock", {}, {0.5, 0.5, 0.5});
  Result no_gpu = test::status_result("mock", {{"device", "cuda"}}, ResultStatus::Unavailable,
                                      "no CUDA device");
  return {small, large, oom, mock, no_gpu};
}

TEST(MarkdownWriterTest, ContainsEnvironmentAndRun_WithLibtorchVersionAndDirtyCommit) {
  const std::string md = render_markdown_report(report_results(), test::sample_run_info());
  EXPECT_TRUE(contains(md, "# nnbench report: run 20261123T114002Z")) << md;
  EXPECT_TRUE(contains(md, "- CPU: Example CPU @ 3.0GHz (16 logical / 8 physical cores)")) << md;
  EXPECT_TRUE(contains(md, "- Memory: 64.0 GiB")) << md;
  EXPECT_TRUE(contains(md, "- OS: Debian GNU/Linux 12 (bookworm) (Linux 6.1.0, x86_64)")) << md;
  EXPECT_TRUE(contains(md, "- Compiler: GNU 12.2.0; flags <code>-O3 -DNDEBUG</code>")) << md;
  EXPECT_TRUE(contains(md, "- Build type: Release\n")) << md;
  EXPECT_TRUE(contains(md, "- LibTorch: 2.11.0")) << md;
  EXPECT_TRUE(contains(md, "- GPU 0: NVIDIA H100 80GB HBM3 (80.0 GiB, compute capability 9.0"))
      << md;
  EXPECT_TRUE(contains(md, "git commit abcdef0123456789abcdef0123456789abcdef01 (dirty")) << md;
  EXPECT_TRUE(contains(md, "<code>nnbench run --enable-mock --include mock</code>")) << md;
  EXPECT_TRUE(contains(md, "| measurement.iterations | 10 |")) << md;
  EXPECT_FALSE(contains(md, "WARNING")) << md;
}

TEST(MarkdownWriterTest, WarnsLoudly_WhenBuildIsDebug) {
  RunInfo run_info = test::sample_run_info();
  run_info.environment.debug_build = true;
  run_info.environment.build_type = "Debug";
  const std::string md = render_markdown_report(report_results(), run_info);
  EXPECT_TRUE(contains(md, "> **WARNING: this is a debug build (build type Debug)")) << md;
  EXPECT_TRUE(contains(md, "- Build type: Debug (DEBUG BUILD)")) << md;
}

TEST(MarkdownWriterTest, RendersOneTablePerBenchmark_WithAxisColumnsAndFigures) {
  const std::string md = render_markdown_report(report_results(), test::sample_run_info());
  EXPECT_TRUE(contains(md, "## resnet_inference\n")) << md;
  EXPECT_TRUE(contains(md, "## mock\n")) << md;
  EXPECT_TRUE(contains(md,
                       "| batch_size | dtype | median ms \\[95% CI\\] | p95 ms | p99 ms | cv % | "
                       "throughput | memory MiB | samples | stop reason |"))
      << md;
  // 1..10: median 5.5, CI of the median from order statistics (n = 10: ranks 2 and 9 -> 2, 9),
  // p95 9.55, p99 9.91, cv = 3.0277 / 5.5 = 55.048% -> "55.0".
  EXPECT_TRUE(contains(md, "| 1 | fp32 | 5.500 \\[2.000, 9.000\\] | 9.550 | 9.910 | 55.0 | "))
      << md;
  EXPECT_TRUE(contains(md, "| 256.0 | 10 | fixed_count |")) << md;
  // Three samples cannot reach 95% coverage; the achieved level is said.
  EXPECT_TRUE(contains(md, "| 8 | fp32 | 21.00 \\[20.00, 22.00\\] (75.0% CI) |")) << md;
  // Axis columns are the union over the benchmark's variants; a variant without the axis shows -.
  EXPECT_TRUE(contains(md, "| device | median ms \\[95% CI\\] |")) << md;
  EXPECT_TRUE(contains(md, "| - | 0.5000 \\[0.5000, 0.5000\\] (75.0% CI) |")) << md;
  // A benchmark without axes gets a "variant" column.
  const std::string plain = render_markdown_report({test::ok_result("plain", {}, {1.0, 2.0, 3.0})},
                                                   test::sample_run_info());
  EXPECT_TRUE(contains(plain, "| variant | median ms \\[95% CI\\] |")) << plain;
  EXPECT_TRUE(contains(plain, "| default | 2.000 \\[1.000, 3.000\\] (75.0% CI) |")) << plain;
  // Failed variants are listed, not tabled.
  EXPECT_FALSE(contains(md, "| 64 | fp32 |")) << md;
}

TEST(MarkdownWriterTest, ListsVariantsThatDidNotRun_WithReasonsAndNotes) {
  const std::string md = render_markdown_report(report_results(), test::sample_run_info());
  EXPECT_TRUE(contains(md, "- <code>batch_size=64/dtype=fp32</code>: **failed**: out of memory"))
      << md;
  EXPECT_TRUE(contains(md, "- <code>device=cuda</code>: **unavailable**: no CUDA device")) << md;
  EXPECT_TRUE(
      contains(md, "Notes:\n\n- peak RSS covers the whole process\n- variant \\| with a pipe"))
      << md;
  EXPECT_TRUE(contains(md, "5 variant(s) of 2 benchmark(s); 3 completed, 2 did not.")) << md;
}

TEST(MarkdownWriterTest, SaysNoVariantCompleted_WhenAllFailed) {
  const std::string md = render_markdown_report(
      {test::status_result("mock", {}, ResultStatus::Failed, "x")}, test::sample_run_info());
  EXPECT_TRUE(contains(md, "No variant completed.")) << md;
}

TEST(MarkdownWriterTest, RendersDerivedPairsAsComparisonTables_WithTheVerdict) {
  Result pair;
  pair.benchmark = "training";
  pair.variant.values = {{"model", "cnn"}, {"implementation", "dsl_vs_native"}};
  pair.provenance = test::sample_provenance(0);
  pair.provenance.sampling_mode = "derived";
  pair.labels = {{"verdict", "equivalent (|accuracy diff| 0.0010 < 0.01)"}};
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, double>>{{"test_accuracy_dsl", 0.91},
                                                   {"test_accuracy_native", 0.909},
                                                   {"test_accuracy_diff", 0.001},
                                                   {"test_accuracy_diff_pct", 0.11}}) {
    pair.metrics.push_back(test::single_metric(name, "fraction", value, true));
  }
  const std::string report = render_markdown_report({pair}, test::sample_run_info());
  EXPECT_TRUE(contains(report, "Comparisons:")) << report;
  EXPECT_TRUE(contains(report, "| metric | dsl | native | difference | difference % |")) << report;
  EXPECT_TRUE(
      contains(report, "| test_accuracy (fraction) | 0.9100 | 0.9090 | 0.001000 | 0.1100 |"))
      << report;
  EXPECT_TRUE(contains(report, "**equivalent (\\|accuracy diff\\| 0.0010 &lt; 0.01)**")) << report;
  EXPECT_FALSE(contains(report, "Other metrics:")) << report;
}

TEST(MarkdownWriterTest, WritesReportMd_IntoTheDirectory) {
  test::TempDir temp;
  MarkdownWriter().write(report_results(), test::sample_run_info(), temp.path());
  EXPECT_TRUE(contains(test::read_text(temp.path() / "report.md"), "## resnet_inference"));
}

TEST(TextTableTest, FormatsSignificantDigits_WithoutExponent) {
  EXPECT_EQ(format_significant(1234.6), "1235");
  EXPECT_EQ(format_significant(1.23456), "1.235");
  EXPECT_EQ(format_significant(0.00123456), "0.001235");
  EXPECT_EQ(format_significant(-12.3456), "-12.35");
  EXPECT_EQ(format_significant(0.0), "0");
  EXPECT_EQ(format_significant(std::nan("")), "nan");
  EXPECT_EQ(format_optional(std::nullopt), "-");
}

TEST(TextTableTest, EscapesPipes_AndAlignsPlainColumns) {
  TextTable table{{"name", "value"}, {{"a|b", "1"}, {"long name", "22"}}, {false, true}};
  EXPECT_EQ(render_markdown_table(table),
            "| name | value |\n| --- | ---: |\n| a\\|b | 1 |\n| long name | 22 |\n");
  EXPECT_EQ(render_plain_table(table),
            "name       value\n"
            "----------------\n"
            "a|b            1\n"
            "long name     22\n");
}

}  // namespace
}  // namespace nnbench::report

namespace nnbench::report {
namespace {

// Rows of users' models (label model_source) are grouped by model file, each headed by its name,
// kind, path and hash; rows without the label keep one table.
TEST(MarkdownWriterTest, UsersModels_GroupedByModelFile_WithKindPathAndHash) {
  std::vector<Result> results;
  for (const char* backend : {"pytorch", "aot"}) {
    for (const char* model : {"a", "b"}) {
      Result row =
          test::ok_result("user_model", {{"model", model}, {"backend", backend}}, {1.0, 2.0, 3.0});
      row.labels["model"] = model;
      row.labels["model_kind"] = "Python model file";
      row.labels["model_source"] = std::string("/models/") + model + ".py";
      row.labels["model_hash"] = std::string("hash-") + model;
      results.push_back(row);
    }
  }
  const std::string md = render_markdown_report(results, test::sample_run_info());
  const std::size_t a = md.find(
      "### a\n\nPython model file <code>/models/a.py</code>, hash "
      "<code>hash-a</code>");
  const std::size_t b = md.find("### b\n\nPython model file <code>/models/b.py</code>");
  ASSERT_NE(a, std::string::npos) << md;
  ASSERT_NE(b, std::string::npos) << md;
  // a's two rows sit under its heading, before b's.
  const std::size_t a_aot = md.find("| a | aot |");
  EXPECT_GT(a_aot, a);
  EXPECT_LT(a_aot, b);
  EXPECT_GT(md.find("| b | pytorch |"), b);
  // Without the label: one table, no headings.
  const std::string plain = render_markdown_report(report_results(), test::sample_run_info());
  EXPECT_EQ(plain.find("### "), std::string::npos);
}

}  // namespace
}  // namespace nnbench::report
