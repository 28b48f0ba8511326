// `--emit pytorch`: a checked network -> a standalone PyTorch Python module (an nn.Module class,
// its loss, its optimizer, a training-loop function and a __main__ that prints the parameter
// count and runs one forward pass). Also the loss-input rule every back end shares.
#pragma once

#include <string>

#include "nnbench/dsl/ir.hpp"

namespace nnbench::dsl {

// What the network's training output is when the loss reads it. One rule for every back end
// (the LibTorch builder and both emitters), so they compute the same loss:
//  - kLogits: the Output's activation is folded into the loss (activation_in_loss), or the
//    network ends without a softmax/sigmoid/log_softmax: cross-entropy on logits
//    (log_softmax + NLL), BCE with logits.
//  - kProbabilities: the network itself ends in softmax under a cross-entropy loss or in
//    sigmoid under binary cross-entropy (e.g. a last Dense(..., "softmax") that is not an
//    Output): the log of the (clamped) probabilities is taken.
//  - kLogProbabilities: the network ends in log_softmax under a cross-entropy loss (NLL).
// mse and mae always compare the output as it is (kLogits here means "as it is").
enum class LossInput { kLogits, kProbabilities, kLogProbabilities };
LossInput loss_input(const ir::Network& network);

// The activation inference applies on top of the training forward: the Output's when it is
// folded into the loss (activation_in_loss), else none (nullptr). Points into `network`.
const ir::Activation* inference_activation(const ir::Network& network);

// The Python source text. The module is self-contained (imports torch only); running it prints
// "parameters: N" (N = network.total_params) and the shape of one forward pass on a random
// batch of 2. Pure function; no I/O.
std::string emit_pytorch(const ir::Network& network);

}  // namespace nnbench::dsl
