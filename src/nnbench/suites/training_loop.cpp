// Training and evaluation loops (see training_loop.hpp).
#include "nnbench/suites/training_loop.hpp"

#include <torch/torch.h>

#include "nnbench/engine/data/mnist_dataset.hpp"

namespace nnbench::suites {

Option training_data_option() {
  return with_default_note(
      path_option("data", "",
                  "an MNIST-format directory (IDX files), or 'synthetic' for random data of the "
                  "same shape"),
      "Debian's Fashion-MNIST, " + engine::default_fashion_mnist_dir().string());
}

std::string training_data_source(const State& state) {
  return state.options().find_string("data").value_or(engine::default_fashion_mnist_dir().string());
}

double train_epoch(torch::nn::Module& module, const ForwardFunction& forward,
                   const LossFunction& loss, torch::optim::Optimizer& optimizer,
                   engine::DataLoader& loader) {
  module.train();
  loader.start_epoch();
  engine::Batch batch;
  torch::Tensor loss_sum;
  std::int64_t samples = 0;
  while (loader.next(batch)) {
    optimizer.zero_grad();
    const torch::Tensor batch_loss = loss(forward(batch.inputs), batch.targets);
    batch_loss.backward();
    optimizer.step();
    const torch::Tensor weighted = batch_loss.detach() * static_cast<double>(batch.size());
    loss_sum = loss_sum.defined() ? loss_sum.add_(weighted) : weighted.clone();
    samples += batch.size();
  }
  return samples == 0 ? 0.0 : loss_sum.item<double>() / static_cast<double>(samples);
}

Evaluation evaluate(torch::nn::Module& module, const ForwardFunction& forward,
                    const LossFunction& loss, const engine::TensorPair& data,
                    std::int64_t batch_size) {
  Evaluation result;
  result.samples = data.size();
  if (result.samples == 0) return result;
  const bool was_training = module.is_training();
  module.eval();
  torch::NoGradGuard no_grad;
  torch::Tensor loss_sum = torch::zeros({}, data.inputs.options());
  torch::Tensor correct = torch::zeros({}, data.targets.options());
  for (std::int64_t start = 0; start < result.samples; start += batch_size) {
    const std::int64_t length = std::min(batch_size, result.samples - start);
    const torch::Tensor inputs = data.inputs.narrow(0, start, length);
    const torch::Tensor targets = data.targets.narrow(0, start, length);
    const torch::Tensor logits = forward(inputs);
    loss_sum.add_(loss(logits, targets) * static_cast<double>(length));
    correct.add_(logits.argmax(1).eq(targets).sum());
  }
  result.loss = loss_sum.item<double>() / static_cast<double>(result.samples);
  result.accuracy = correct.item<double>() / static_cast<double>(result.samples);
  if (was_training) module.train();
  return result;
}

}  // namespace nnbench::suites
