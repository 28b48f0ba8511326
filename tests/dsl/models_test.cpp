// Every model shipped in models/ compiles; the seed models have their exact parameter counts.
#include <filesystem>
#include <utility>

#include "dsl_test_util.hpp"

namespace nnbench::dsl {
namespace {

const std::filesystem::path kModels = std::filesystem::path(NNBENCH_SOURCE_DIR) / "models";

ir::Network load(const std::string& file) {
  return compile_file((kModels / file).string()).front();
}

// How many top-level Residual blocks the network has, and how many of them project.
std::pair<int, int> residuals_and_projections(const ir::Network& n) {
  int residuals = 0;
  int projections = 0;
  for (const ir::Layer& l : n.layers) {
    if (l.kind != ir::LayerKind::kResidual) continue;
    ++residuals;
    if (std::get<ir::ResidualAttrs>(l.attrs).projection != ir::ProjectionKind::kNone) ++projections;
  }
  return {residuals, projections};
}

TEST(Models, CompileCleanly_WhenShippedInModelsDir) {
  int compiled = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kModels)) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".nn" && ext != ".neural") continue;
    try {
      EXPECT_FALSE(compile_file(entry.path().string()).empty()) << entry.path();
      ++compiled;
    } catch (const Error& e) {
      ADD_FAILURE() << entry.path() << ":\n" << e.what();
    }
  }
  EXPECT_GE(compiled, 5);
}

TEST(Models, SimpleMlpHas101770Params_WhenCompiled) {
  const ir::Network n = load("simple_mlp.nn");
  EXPECT_EQ(n.total_params, 101770);  // 784*128+128 + 128*10+10
  EXPECT_EQ(n.train.epochs, 5);
  EXPECT_EQ(n.train.batch_size, 128);
  EXPECT_DOUBLE_EQ(n.train.validation_split, 0.2);
}

TEST(Models, CnnHas225034Params_WhenConvolutionsAreValid) {
  const ir::Network n = load("cnn.nn");
  // conv 3*3*1*32+32 = 320; 26x26 -> pool 13; conv 3*3*32*64+64 = 18496; 11x11 -> pool 5;
  // flatten 64*5*5 = 1600; dense 1600*128+128 = 204928; output 128*10+10 = 1290.
  EXPECT_EQ(n.total_params, 320 + 18496 + 204928 + 1290);
  EXPECT_EQ(n.layers[4].output_shape, (ir::Shape{1600}));
}

TEST(Models, DeepMlpHas567434Params_WhenCompiled) {
  // 784*512+512 + 512*256+256 + 256*128+128 + 128*10+10
  EXPECT_EQ(load("deep_mlp.nn").total_params, 401920 + 131328 + 32896 + 1290);
}

TEST(Models, ResnetSmallUsesResidualsAndBatchNorm_WhenCompiled) {
  const ir::Network n = load("resnet_small.nn");
  const auto [residuals, projections] = residuals_and_projections(n);
  EXPECT_GE(residuals, 4);
  EXPECT_EQ(projections, 2);
  EXPECT_EQ(n.output_shape, (ir::Shape{10}));
}

TEST(Models, Resnet50_HasTorchvisionsShape_LessTheProjectionBatchNorms) {
  const ir::Network n = load("resnet50.nn");
  const auto [residuals, projections] = residuals_and_projections(n);
  EXPECT_EQ(residuals, 16);  // 3 + 4 + 6 + 3 bottleneck blocks
  EXPECT_EQ(projections, 4);
  // torchvision's 25,557,032 less the four projection batch norms (2 x 3,840) plus their biases.
  EXPECT_EQ(n.total_params, 25557032 - 2 * 3840 + 3840);
  EXPECT_EQ(n.total_macs, 4089184256);  // torchvision's 4.09 G multiply-accumulates
  EXPECT_EQ(n.output_shape, (ir::Shape{1000}));
}

TEST(Models, VitB16_HasTorchvisionsShapeAndParameterCount) {
  const ir::Network n = load("vit_b_16.nn");
  const auto [residuals, projections] = residuals_and_projections(n);
  EXPECT_EQ(residuals, 24);  // 12 encoder blocks: attention and MLP
  EXPECT_EQ(projections, 0);
  EXPECT_EQ(n.input_shape, (ir::Shape{3, 224, 224}));
  EXPECT_EQ(n.layers[1].output_shape, (ir::Shape{196, 768}));  // 14 x 14 patches
  EXPECT_EQ(n.layers[2].output_shape, (ir::Shape{197, 768}));  // the class token first
  EXPECT_EQ(n.layers[3].param_count, 197 * 768);               // pos_embedding
  EXPECT_EQ(n.total_params, 86567656);                         // torchvision's vit_b_16
  EXPECT_EQ(n.total_macs, 17563828224);                        // torchvision's 17.56 G
  EXPECT_EQ(n.output_shape, (ir::Shape{1000}));
}

TEST(Models, TransformerSmallTakesTokens_WhenCompiled) {
  const ir::Network n = load("transformer_small.nn");
  EXPECT_EQ(n.input_dtype, ir::InputDType::kInt64);
  EXPECT_EQ(n.layers[1].kind, ir::LayerKind::kTransformerEncoder);
  EXPECT_EQ(n.output_shape, (ir::Shape{2}));
}

}  // namespace
}  // namespace nnbench::dsl
