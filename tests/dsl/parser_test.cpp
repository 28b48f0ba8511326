// Parser: the syntax tree of well-formed files, error recovery, and the nesting-depth guard.
#include "nnbench/dsl/parser.hpp"

#include <gtest/gtest.h>

namespace nnbench::dsl {
namespace {

struct Parsed {
  ast::File file;
  Diagnostics diagnostics;
};

Parsed parse_text(const std::string& text) {
  Parsed p;
  const SourceFile source("t.nn", text);
  p.file = parse(lex(source, p.diagnostics), p.diagnostics);
  return p;
}

TEST(Parser, ReadsEverySection_WhenInAnyOrder) {
  const Parsed p = parse_text(R"(
network Net {
  train { epochs: 3, batch_size: 64 }
  optimizer: SGD(0.1, momentum=0.9)
  loss: "mse"
  execute { device: "cuda" }
  metrics: ["accuracy"]
  layers:
    Dense(units=8, activation="relu") @ "cuda:0" * 2
    Residual { Dense(8) }
  input: (None, 4)
}
network Second { input: (1) layers: Dense(1) loss: mse optimizer: "adam" }
)");
  ASSERT_FALSE(p.diagnostics.has_errors());
  ASSERT_EQ(p.file.networks.size(), 2u);
  const ast::Network& n = p.file.networks[0];
  EXPECT_EQ(n.name, "Net");
  ASSERT_EQ(n.train.size(), 2u);
  EXPECT_EQ(n.train[1].key, "batch_size");
  EXPECT_EQ(n.train[1].value.int_value, 64);
  ASSERT_TRUE(n.optimizer.has_value());
  EXPECT_EQ(n.optimizer->name, "SGD");
  ASSERT_EQ(n.optimizer->args.size(), 2u);
  EXPECT_EQ(n.optimizer->args[1].name, "momentum");
  ASSERT_EQ(n.layers.size(), 2u);
  EXPECT_EQ(n.layers[0].device, "cuda:0");
  EXPECT_EQ(n.layers[0].repeat, 2);
  EXPECT_TRUE(n.layers[1].has_body);
  ASSERT_EQ(n.layers[1].body.size(), 1u);
  ASSERT_TRUE(n.input.has_value());
  EXPECT_EQ(n.input->items[0].kind, ast::ValueKind::kNone);
  EXPECT_EQ(p.file.networks[1].optimizer->name, "adam");
  EXPECT_EQ(p.file.networks[1].loss->kind, ast::ValueKind::kName);
}

TEST(Parser, KeepsSourceRanges_WhenBuildingNodes) {
  const Parsed p = parse_text("network N {\n  layers:\n    Dense(64, \"relu\")\n}");
  ASSERT_FALSE(p.diagnostics.has_errors());
  const ast::Item& dense = p.file.networks[0].layers[0];
  EXPECT_EQ(dense.name_range.begin.line, 3);
  EXPECT_EQ(dense.name_range.begin.column, 5);
  EXPECT_EQ(dense.range.end.column, 22);
  EXPECT_EQ(dense.args[1].value.range.begin.column, 15);
}

TEST(Parser, ParsesTypedSearchSpaces_WhenHpoIsUsed) {
  const Parsed p = parse_text(
      "network N { layers: Dense(HPO(choice(128, 256)), HPO(choice(\"relu\", \"tanh\")))\n"
      "Dropout(HPO(range(0.1, 0.5, step=0.1)))\n"
      "optimizer: Adam(learning_rate=HPO(log_range(1e-4, 1e-2))) }");
  ASSERT_FALSE(p.diagnostics.has_errors());
  const auto& layers = p.file.networks[0].layers;
  EXPECT_EQ(layers[0].args[0].value.kind, ast::ValueKind::kHpo);
  EXPECT_EQ(layers[0].args[0].value.hpo_kind, ast::HpoKind::kChoice);
  EXPECT_EQ(layers[0].args[0].value.items.size(), 2u);
  EXPECT_EQ(layers[1].args[0].value.hpo_kind, ast::HpoKind::kRange);
  EXPECT_EQ(layers[1].args[0].value.items.size(), 3u);
  EXPECT_EQ(p.file.networks[0].optimizer->args[0].value.hpo_kind, ast::HpoKind::kLogRange);
}

TEST(Parser, ReportsSeveralErrors_WhenOneFileHasManyMistakes) {
  const Parsed p = parse_text(R"(
network Net {
  input: (28, 28, 1)
  layers:
    Dense(64,, "relu")
    Dense(32 "relu")
    Dropout(0.5
    Dense(10)
  los: "mse"
  optimizer: Adam()
}
network Other { input: (4) layers: Dense(2) loss: "mse" optimizer: Adam(lr=) }
)");
  ASSERT_EQ(p.diagnostics.list().size(), 5u);
  EXPECT_EQ(p.diagnostics.list()[0].range.begin.line, 5);
  EXPECT_EQ(p.diagnostics.list()[1].range.begin.line, 6);
  EXPECT_EQ(p.diagnostics.list()[2].range.begin.line, 8);
  EXPECT_EQ(p.diagnostics.list()[3].message, "unknown section 'los'; did you mean 'loss'?");
  EXPECT_EQ(p.diagnostics.list()[4].range.begin.line, 12);
  // Recovery keeps the layers that were well formed, and the second network.
  ASSERT_EQ(p.file.networks.size(), 2u);
  EXPECT_EQ(p.file.networks[0].layers.size(), 1u);
  EXPECT_TRUE(p.file.networks[0].optimizer.has_value());
}

TEST(Parser, StopsAtDepthLimit_WhenNestingIsDeep) {
  std::string deep = "network N { layers: ";
  for (int i = 0; i < 500; ++i) deep += "Residual { ";
  deep += "Dense(1)";
  for (int i = 0; i < 500; ++i) deep += " }";
  deep += " }";
  const Parsed p = parse_text(deep);
  ASSERT_TRUE(p.diagnostics.has_errors());
  EXPECT_EQ(p.diagnostics.list()[0].message, "nesting is deeper than 48 levels");

  std::string tuple = "network N { input: " + std::string(100000, '(') + " }";
  const Parsed q = parse_text(tuple);
  ASSERT_TRUE(q.diagnostics.has_errors());
  EXPECT_EQ(q.diagnostics.list()[0].message, "nesting is deeper than 48 levels");
}

TEST(Parser, RejectsOutOfRangeRepetition_WhenCountIsZeroOrHuge) {
  const Parsed p = parse_text("network N { layers: Dense(1) * 0\nDense(1) * 100000 }");
  ASSERT_EQ(p.diagnostics.list().size(), 2u);
  EXPECT_EQ(p.diagnostics.list()[0].message, "repetition count must be between 1 and 1000");
}

}  // namespace
}  // namespace nnbench::dsl
