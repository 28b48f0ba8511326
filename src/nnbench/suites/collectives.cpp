// Collectives, nccl-tests' size conventions and bus-bandwidth factors, and checked buffers.
#include "nnbench/suites/collectives.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <torch/torch.h>

#include "nnbench/core/error.hpp"

namespace nnbench::suites {
namespace {

// 1, 2, 3, 1, 2, 3, ...: small enough that sums over many ranks stay exact in 16 bits.
torch::Tensor pattern(std::int64_t count) {
  return torch::remainder(torch::arange(count, torch::kInt64), 3).add_(1).to(torch::kFloat64);
}

// Rank r's weight: r + 1 in fp32 and fp64; 1 or 2 in 16-bit types, whose whole numbers are
// exact only up to 256 (bf16) and 2048 (fp16), so a sum over up to 42 ranks stays exact.
double rank_weight(int rank, torch::ScalarType dtype) {
  const bool wide = dtype == torch::kFloat32 || dtype == torch::kFloat64;
  return wide ? rank + 1.0 : static_cast<double>(rank % 2 + 1);
}

double weight_sum(int ranks, torch::ScalarType dtype) {
  double sum = 0;
  for (int r = 0; r < ranks; ++r) sum += rank_weight(r, dtype);
  return sum;
}

}  // namespace

Collective parse_collective(const std::string& name) {
  if (name == "all_reduce") return Collective::AllReduce;
  if (name == "all_gather") return Collective::AllGather;
  if (name == "reduce_scatter") return Collective::ReduceScatter;
  if (name == "broadcast") return Collective::Broadcast;
  throw InputError(fmt::format(
      "collective '{}': expected all_reduce, all_gather, reduce_scatter or broadcast", name));
}

std::string collective_name(Collective collective) {
  switch (collective) {
    case Collective::AllReduce:
      return "all_reduce";
    case Collective::AllGather:
      return "all_gather";
    case Collective::ReduceScatter:
      return "reduce_scatter";
    case Collective::Broadcast:
      return "broadcast";
  }
  return "unknown";
}

double bus_bandwidth_factor(Collective collective, int ranks) {
  const double n = ranks;
  switch (collective) {
    case Collective::AllReduce:
      return 2.0 * (n - 1) / n;
    case Collective::AllGather:
    case Collective::ReduceScatter:
      return (n - 1) / n;
    case Collective::Broadcast:
      return 1.0;
  }
  return 1.0;
}

CollectiveBuffers::CollectiveBuffers(Collective collective, std::int64_t message_bytes,
                                     torch::ScalarType dtype, const torch::Device& device, int rank,
                                     int ranks)
    : collective_(collective), rank_(rank) {
  const std::int64_t element = static_cast<std::int64_t>(c10::elementSize(dtype));
  const auto on_device = [&](const torch::Tensor& values) {
    return values.to(torch::TensorOptions().dtype(dtype).device(device));
  };
  const double mine = rank_weight(rank, dtype);
  switch (collective) {
    case Collective::AllReduce:
    case Collective::Broadcast: {
      const std::int64_t count = std::max<std::int64_t>(1, message_bytes / element);
      message_bytes_ = count * element;
      const torch::Tensor base = pattern(count);
      if (collective == Collective::AllReduce) {
        initial_ = on_device(base * mine);
        expected_ = on_device(base * weight_sum(ranks, dtype));
      } else {  // rank 0 sends the pattern; the others start from zeros
        initial_ = on_device(rank == 0 ? base : torch::zeros_like(base));
        expected_ = on_device(base);
      }
      input_ = initial_.clone();
      break;
    }
    case Collective::AllGather: {
      const std::int64_t per_rank = std::max<std::int64_t>(1, message_bytes / element / ranks);
      message_bytes_ = per_rank * ranks * element;
      input_ = on_device(pattern(per_rank) * mine);
      output_ = torch::empty({per_rank * ranks}, input_.options());
      std::vector<torch::Tensor> parts;
      for (int r = 0; r < ranks; ++r) parts.push_back(pattern(per_rank) * rank_weight(r, dtype));
      expected_ = on_device(torch::cat(parts));
      break;
    }
    case Collective::ReduceScatter: {
      const std::int64_t per_rank = std::max<std::int64_t>(1, message_bytes / element / ranks);
      message_bytes_ = per_rank * ranks * element;
      const torch::Tensor base = pattern(per_rank * ranks);
      input_ = on_device(base * mine);
      output_ = torch::empty({per_rank}, input_.options());
      expected_ = on_device(base.slice(0, rank * per_rank, (rank + 1) * per_rank) *
                            weight_sum(ranks, dtype));
      break;
    }
  }
}

void CollectiveBuffers::prepare() {
  if (initial_.defined()) input_.copy_(initial_);
  if (output_.defined()) output_.fill_(-1);
}

void CollectiveBuffers::run(engine::ProcessGroup& group) {
  switch (collective_) {
    case Collective::AllReduce:
      group.all_reduce_sum(input_);
      break;
    case Collective::Broadcast:
      group.broadcast(input_, 0);
      break;
    case Collective::AllGather:
      group.all_gather_into(output_, input_);
      break;
    case Collective::ReduceScatter:
      group.reduce_scatter_sum(output_, input_);
      break;
  }
}

bool CollectiveBuffers::result_is_correct(std::string& problem) const {
  const torch::Tensor& result = output_.defined() ? output_ : input_;
  if (torch::equal(result, expected_)) return true;
  const torch::Tensor wrong = (result != expected_).nonzero();
  const std::int64_t at = wrong.size(0) > 0 ? wrong[0][0].item<std::int64_t>() : 0;
  problem = fmt::format("{} on rank {}: element {} of {} is {}, expected {} ({} elements wrong)",
                        collective_name(collective_), rank_, at, result.numel(),
                        result[at].item<double>(), expected_[at].item<double>(), wrong.size(0));
  return false;
}

}  // namespace nnbench::suites
