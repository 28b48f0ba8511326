// `--emit torch-cpp`: the emitted source mirrors the IR (folded activation, explicit padding).
// Compiling and running it against LibTorch, compared with the in-process builder, is
// tests/engine/model_builder_torch_cpp_test.cpp (the engine tests link LibTorch).
#include "nnbench/dsl/emit_torch_cpp.hpp"

#include <gtest/gtest.h>

#include <string>

#include "dsl_test_util.hpp"

namespace nnbench::dsl {
namespace {

using testing::compile_ok;

TEST(TorchCppEmit, TrainsOnLogits_WhenSoftmaxIsFoldedIntoTheLoss) {
  const std::string text = emit_torch_cpp(compile_ok(testing::network_text(
      "(6,)", "    Output(3, \"softmax\")", "\"sparse_categorical_crossentropy\"")));
  EXPECT_NE(text.find("x = output_1->forward(x);"), std::string::npos) << text;
  EXPECT_NE(text.find("return torch::softmax(forward(x), 1);"), std::string::npos) << text;
  EXPECT_NE(text.find("torch::log_softmax(output, -1)"), std::string::npos) << text;
  EXPECT_NE(text.find("register_module(\"output_1\""), std::string::npos) << text;
}

TEST(TorchCppEmit, PadsExplicitly_WhenSamePaddingIsAsymmetric) {
  const std::string text = emit_torch_cpp(compile_ok(testing::network_text(
      "(5, 5, 1)",
      "    Conv2D(2, (2, 2), padding=\"same\")\n    MaxPooling2D(3, strides=1, "
      "padding=\"same\")")));
  EXPECT_NE(text.find("x = F::pad(x, F::PadFuncOptions({0, 1, 0, 1}));"), std::string::npos)
      << text;
  EXPECT_NE(text.find(".padding({0, 0})"), std::string::npos) << text;
  EXPECT_NE(text.find("F::PadFuncOptions({1, 1, 1, 1}).value(-std::numeric_limits<double>"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace nnbench::dsl
