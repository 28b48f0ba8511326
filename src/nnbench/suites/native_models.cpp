// Hand-written LibTorch versions of the seed models (see native_models.hpp).
#include "nnbench/suites/native_models.hpp"

#include <torch/torch.h>

#include "nnbench/core/error.hpp"

namespace nnbench::suites {
namespace {

namespace F = torch::nn::functional;

// Flatten -> Dense(128, relu) -> Dropout(0.2) -> Output(10)
class SimpleMlp final : public NativeClassifier {
 public:
  SimpleMlp()
      : hidden_(register_module("hidden", torch::nn::Linear(784, 128))),
        dropout_(register_module("dropout", torch::nn::Dropout(0.2))),
        output_(register_module("output", torch::nn::Linear(128, 10))) {}
  torch::Tensor forward(torch::Tensor x) override {
    x = torch::relu(hidden_(x.flatten(1)));
    return output_(dropout_(x));
  }

 private:
  torch::nn::Linear hidden_;
  torch::nn::Dropout dropout_;
  torch::nn::Linear output_;
};

// Conv2D(32, 3x3, relu) -> MaxPool(2) -> Conv2D(64, 3x3, relu) -> MaxPool(2) -> Flatten ->
// Dense(128, relu) -> Dropout(0.5) -> Output(10)
class Cnn final : public NativeClassifier {
 public:
  Cnn()
      : conv1_(register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 32, 3)))),
        conv2_(register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3)))),
        hidden_(register_module("hidden", torch::nn::Linear(64 * 5 * 5, 128))),
        dropout_(register_module("dropout", torch::nn::Dropout(0.5))),
        output_(register_module("output", torch::nn::Linear(128, 10))) {}
  torch::Tensor forward(torch::Tensor x) override {
    x = F::max_pool2d(torch::relu(conv1_(x)), F::MaxPool2dFuncOptions(2));
    x = F::max_pool2d(torch::relu(conv2_(x)), F::MaxPool2dFuncOptions(2));
    x = torch::relu(hidden_(x.flatten(1)));
    return output_(dropout_(x));
  }

 private:
  torch::nn::Conv2d conv1_, conv2_;
  torch::nn::Linear hidden_;
  torch::nn::Dropout dropout_;
  torch::nn::Linear output_;
};

// Flatten -> Dense(512) -> Dropout(0.3) -> Dense(256) -> Dropout(0.3) -> Dense(128) ->
// Dropout(0.3) -> Output(10), ReLU after each hidden Dense
class DeepMlp final : public NativeClassifier {
 public:
  DeepMlp()
      : fc1_(register_module("fc1", torch::nn::Linear(784, 512))),
        fc2_(register_module("fc2", torch::nn::Linear(512, 256))),
        fc3_(register_module("fc3", torch::nn::Linear(256, 128))),
        output_(register_module("output", torch::nn::Linear(128, 10))),
        dropout_(register_module("dropout", torch::nn::Dropout(0.3))) {}
  torch::Tensor forward(torch::Tensor x) override {
    x = dropout_(torch::relu(fc1_(x.flatten(1))));
    x = dropout_(torch::relu(fc2_(x)));
    x = dropout_(torch::relu(fc3_(x)));
    return output_(x);
  }

 private:
  torch::nn::Linear fc1_, fc2_, fc3_, output_;
  torch::nn::Dropout dropout_;
};

}  // namespace

const std::vector<std::string>& native_model_names() {
  static const std::vector<std::string> names = {"simple_mlp", "cnn", "deep_mlp"};
  return names;
}

std::shared_ptr<NativeClassifier> make_native_model(const std::string& name, std::uint64_t seed) {
  torch::manual_seed(seed);
  if (name == "simple_mlp") return std::make_shared<SimpleMlp>();
  if (name == "cnn") return std::make_shared<Cnn>();
  if (name == "deep_mlp") return std::make_shared<DeepMlp>();
  throw InputError("no native model '" + name + "'; known: simple_mlp, cnn, deep_mlp");
}

}  // namespace nnbench::suites
