// Decode attention over the static KV cache (see decoder_kernels.hpp). One block per (sequence,
// query head). Scores: thread t takes positions t, t + 256, ... and reads each key row whole in
// 16-byte vectors, all independent, so a block has its whole share of the cache in flight at once
// (a warp per position, lanes splitting the row, would wait on one load after another). The block
// then reduces the scores' maximum and the softmax's sum. Values: thread t owns one 16-byte
// column slice of the rows for positions g, g + groups, ..., loaded together with the keys, and
// the groups' sums meet in shared memory. Everything in fp32; the output is rounded once.
#include "nnbench/engine/generation/decoder_kernels.hpp"
#include "nnbench/engine/generation/dependent_launch.cuh"
#include "nnbench/engine/generation/element_access.cuh"

namespace nnbench::engine::kernels {
namespace {

constexpr int kAttentionThreads = 256;
constexpr int kAttentionWarps = kAttentionThreads / 32;
constexpr std::int64_t kSharedBytes = 48 * 1024;
constexpr int kVectorBytes = 16;
// Key vectors a thread holds at once (a row of 128 fp16 or 64 fp32 elements), and value vectors
// it loads ahead of the softmax (all of them up to 256 positions of 128 fp16 elements).
constexpr int kMaxRowVectors = 16;
constexpr int kHeldValues = 16;

std::int64_t elements_per_vector(ElementType type) {
  return kVectorBytes / (type == ElementType::kFloat32 ? 4 : 2);
}

// Reduces `value` over the block with `op` (max or sum); every thread gets the result.
template <typename Op>
__device__ float block_reduce(float value, float* scratch, Op op) {
  for (int offset = 16; offset > 0; offset /= 2) {
    value = op(value, __shfl_xor_sync(0xffffffffu, value, offset));
  }
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  __syncthreads();  // scratch may still be read from the previous reduction
  if (lane == 0) scratch[warp] = value;
  __syncthreads();
  float result = scratch[0];
  for (int w = 1; w < kAttentionWarps; ++w) result = op(result, scratch[w]);
  return result;
}

template <typename T>
__global__ void __launch_bounds__(kAttentionThreads) decode_attention_kernel(DecodeAttention op) {
  constexpr int kPerVector = kVectorBytes / static_cast<int>(sizeof(T));
  extern __shared__ float shared[];
  float* query = shared;                  // dim
  float* scores = query + op.dim;         // capacity
  float* partial = scores + op.capacity;  // groups x dim
  __shared__ float scratch[kAttentionWarps];
  // Everything here reads what the kernels before wrote: the next kernel (the output projection)
  // may start reading its weights on the SMs this one leaves idle.
  let_dependents_start();
  wait_for_previous_kernel();

  const std::int64_t b = blockIdx.x / op.heads, h = blockIdx.x % op.heads;
  const std::int64_t kv_head = h / (op.heads / op.kv_heads);
  const std::int64_t visible = *op.position + 1;
  const std::int64_t row_vectors = op.dim / kPerVector;
  const T* q = static_cast<const T*>(op.q) + (b * op.heads + h) * op.dim;
  const std::int64_t head_offset = (b * op.kv_heads + kv_head) * op.capacity * row_vectors;
  const uint4* keys = static_cast<const uint4*>(op.keys) + head_offset;
  const uint4* values = static_cast<const uint4*>(op.values) + head_offset;

  for (std::int64_t d = threadIdx.x; d < op.dim; d += blockDim.x) query[d] = load(q + d);
  __syncthreads();

  // The value vectors this thread sums in the second phase, loaded now with the keys: they do not
  // depend on the scores, and one round of loads in flight costs what one load costs.
  const std::int64_t groups = blockDim.x / row_vectors;
  const std::int64_t slice = threadIdx.x % row_vectors, group = threadIdx.x / row_vectors;
  uint4 held_values[kHeldValues];
#pragma unroll
  for (int i = 0; i < kHeldValues; ++i) {
    const std::int64_t p = group + i * groups;
    if (group < groups && p < visible) held_values[i] = __ldg(values + p * row_vectors + slice);
  }

  float local_max = -INFINITY;
  for (std::int64_t p = threadIdx.x; p < visible; p += blockDim.x) {
    const uint4* key = keys + p * row_vectors;
    uint4 held_key[kMaxRowVectors];
#pragma unroll
    for (int v = 0; v < kMaxRowVectors; ++v) {
      if (v < row_vectors) held_key[v] = __ldg(key + v);
    }
    float dot = 0.f;
    for (std::int64_t v = kMaxRowVectors; v < row_vectors; ++v) {  // rows longer than held
      float k[kPerVector];
      unpack16<T>(__ldg(key + v), k);
#pragma unroll
      for (int i = 0; i < kPerVector; ++i) dot = fmaf(query[v * kPerVector + i], k[i], dot);
    }
#pragma unroll
    for (int v = 0; v < kMaxRowVectors; ++v) {
      if (v < row_vectors) {
        float k[kPerVector];
        unpack16<T>(held_key[v], k);
#pragma unroll
        for (int i = 0; i < kPerVector; ++i) dot = fmaf(query[v * kPerVector + i], k[i], dot);
      }
    }
    const float score = dot * op.scale;
    scores[p] = score;
    local_max = fmaxf(local_max, score);
  }
  const float max_score =
      block_reduce(local_max, scratch, [](float a, float c) { return fmaxf(a, c); });
  float local_sum = 0.f;
  for (std::int64_t p = threadIdx.x; p < visible; p += blockDim.x) {
    const float weight = expf(scores[p] - max_score);
    scores[p] = weight;
    local_sum += weight;
  }
  const float sum = block_reduce(local_sum, scratch, [](float a, float c) { return a + c; });
  // (block_reduce's barriers also make every weight visible to every thread.)

  if (group < groups) {
    float acc[kPerVector];
#pragma unroll
    for (int i = 0; i < kPerVector; ++i) acc[i] = 0.f;
#pragma unroll
    for (int h = 0; h < kHeldValues; ++h) {
      const std::int64_t p = group + h * groups;
      if (p < visible) {
        float v[kPerVector];
        unpack16<T>(held_values[h], v);
        const float weight = scores[p];
#pragma unroll
        for (int i = 0; i < kPerVector; ++i) acc[i] = fmaf(weight, v[i], acc[i]);
      }
    }
#pragma unroll 4
    for (std::int64_t p = group + kHeldValues * groups; p < visible; p += groups) {
      float v[kPerVector];
      unpack16<T>(__ldg(values + p * row_vectors + slice), v);
      const float weight = scores[p];
#pragma unroll
      for (int i = 0; i < kPerVector; ++i) acc[i] = fmaf(weight, v[i], acc[i]);
    }
#pragma unroll
    for (int i = 0; i < kPerVector; ++i) partial[group * op.dim + slice * kPerVector + i] = acc[i];
  }
  __syncthreads();
  T* out = static_cast<T*>(op.out) + (b * op.heads + h) * op.dim;
  for (std::int64_t d = threadIdx.x; d < op.dim; d += blockDim.x) {
    float total = 0.f;
    for (std::int64_t g = 0; g < groups; ++g) total += partial[g * op.dim + d];
    out[d] = store<T>(total / sum);
  }
}

std::int64_t groups_of(const DecodeAttention& op, ElementType type) {
  return kAttentionThreads / (op.dim / elements_per_vector(type));
}

std::int64_t shared_bytes(const DecodeAttention& op, ElementType type) {
  return 4 * (op.dim + op.capacity + groups_of(op, type) * op.dim);
}

bool aligned(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % kVectorBytes == 0; }

}  // namespace

bool decode_attention_applies(const DecodeAttention& op, ElementType type) {
  const std::int64_t per_vector = elements_per_vector(type);
  return op.batch > 0 && op.heads > 0 && op.kv_heads > 0 && op.heads % op.kv_heads == 0 &&
         op.dim > 0 && op.dim % per_vector == 0 && op.dim / per_vector <= kAttentionThreads &&
         op.capacity > 0 && aligned(op.keys) && aligned(op.values) &&
         shared_bytes(op, type) <= kSharedBytes;
}

cudaError_t launch_decode_attention(const DecodeAttention& op, ElementType type,
                                    cudaStream_t stream) {
  const auto blocks = static_cast<unsigned>(op.batch * op.heads);
  const auto bytes = static_cast<std::size_t>(shared_bytes(op, type));
  return dispatch(type, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    return launch_dependent(op.overlap_previous, decode_attention_kernel<T>, blocks,
                            kAttentionThreads, bytes, stream, op);
  });
}

}  // namespace nnbench::engine::kernels
