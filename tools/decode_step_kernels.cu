// The decode step's kernels measured on the GPU, side by side in one process, next to a
// device-to-device copy (the bandwidth the generation suite bounds decode by):
// - the custom decode attention checked against a host computation (NaN in the unread positions);
// - one llama2-7b decode step at batch 1 in fp16 with kernel mode's launches, captured in a CUDA
//   graph, whole and part by part (products, RMSNorm, rotary + cache, attention, SwiGLU);
// - the skinny GEMV (src/nnbench/engine/generation/skinny_gemv.cu) against cuBLAS (cublasGemmEx,
// fp32
//   accumulation, the call behind at::linear) at the projection shapes of llama2-7b, llama-1b and
//   gpt2, 1/4/8 rows, fp16 and bf16, each shape cycling through copies of W that overflow L2;
// - a whole llama2-7b step's products alone (224 matrices + lm_head), cuBLAS vs skinny, graphed.
// Usage: nnbench_decode_kernels [--quick | --step]   (docs/benchmarks.md records its output)
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "nnbench/engine/generation/decoder_kernels.hpp"
#include "nnbench/engine/generation/skinny_gemv.hpp"

namespace {

using nnbench::engine::kernels::ElementType;
using nnbench::engine::kernels::SkinnyGemv;

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    std::fprintf(stderr, "%s: %s\n", what, cudaGetErrorString(status));
    std::exit(1);
  }
}
void check(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    std::fprintf(stderr, "%s: cuBLAS status %d\n", what, static_cast<int>(status));
    std::exit(1);
  }
}

struct Shape {
  const char* model;
  const char* name;
  std::int64_t k, n;
};

// Fills n elements of 16-bit type with small random values (uniform in [-1, 1) * scale).
__global__ void fill_kernel(std::uint16_t* out, std::int64_t n, std::uint32_t seed, bool bf16,
                            float scale) {
  const std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  std::uint32_t h = static_cast<std::uint32_t>(i) * 2654435761u ^ seed;
  h ^= h >> 15;
  h *= 2246822519u;
  h ^= h >> 13;
  const float v = (static_cast<float>(h & 0xffff) / 32768.f - 1.f) * scale;
  if (bf16) {
    const __nv_bfloat16 b = __float2bfloat16_rn(v);
    out[i] = *reinterpret_cast<const std::uint16_t*>(&b);
  } else {
    const __half b = __float2half_rn(v);
    out[i] = *reinterpret_cast<const std::uint16_t*>(&b);
  }
}

void fill(void* p, std::int64_t n, std::uint32_t seed, bool bf16, float scale) {
  fill_kernel<<<static_cast<unsigned>((n + 255) / 256), 256>>>(static_cast<std::uint16_t*>(p), n,
                                                               seed, bf16, scale);
  check(cudaGetLastError(), "fill");
}

float to_float(std::uint16_t bits, bool bf16) {
  if (bf16) {
    std::uint32_t word = static_cast<std::uint32_t>(bits) << 16;
    float f;
    std::memcpy(&f, &word, 4);
    return f;
  }
  __half h;
  std::memcpy(&h, &bits, 2);
  return __half2float(h);
}

// out (rows x n) = x (rows x k) W^T through cuBLAS: column-major C (n x rows) = W^T(k x n)^T ...
void cublas_linear(cublasHandle_t handle, const void* x, const void* w, void* out,
                   std::int64_t rows, std::int64_t k, std::int64_t n, bool bf16) {
  const float one = 1.f, zero = 0.f;
  const cudaDataType_t type = bf16 ? CUDA_R_16BF : CUDA_R_16F;
  check(cublasGemmEx(handle, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(n), static_cast<int>(rows),
                     static_cast<int>(k), &one, w, type, static_cast<int>(k), x, type,
                     static_cast<int>(k), &zero, out, type, static_cast<int>(n), CUBLAS_COMPUTE_32F,
                     CUBLAS_GEMM_DEFAULT),
        "cublasGemmEx");
}

void skinny_linear(const void* x, const void* w, void* out, std::int64_t rows, std::int64_t k,
                   std::int64_t n, bool bf16, cudaStream_t stream) {
  SkinnyGemv op;
  op.x = x;
  op.x_stride = k;
  op.weight = w;
  op.out = out;
  op.rows = rows;
  op.k = k;
  op.n = n;
  const ElementType type = bf16 ? ElementType::kBFloat16 : ElementType::kFloat16;
  if (!nnbench::engine::kernels::skinny_gemv_applies(op, type)) {
    std::fprintf(stderr, "skinny GEMV does not apply to k=%lld n=%lld rows=%lld\n",
                 static_cast<long long>(k), static_cast<long long>(n),
                 static_cast<long long>(rows));
    std::exit(1);
  }
  check(nnbench::engine::kernels::launch_skinny_gemv(op, type, stream), "skinny GEMV");
}

// Median of `reps` timings (ms) of `body` run `inner` times between two events.
template <typename Body>
float median_ms(int reps, int inner, cudaStream_t stream, Body&& body) {
  cudaEvent_t start, stop;
  check(cudaEventCreate(&start), "event");
  check(cudaEventCreate(&stop), "event");
  std::vector<float> times;
  for (int r = 0; r < reps + 1; ++r) {
    check(cudaEventRecord(start, stream), "record");
    for (int i = 0; i < inner; ++i) body(i);
    check(cudaEventRecord(stop, stream), "record");
    check(cudaEventSynchronize(stop), "sync");
    float ms = 0.f;
    check(cudaEventElapsedTime(&ms, start, stop), "elapsed");
    if (r > 0) times.push_back(ms / static_cast<float>(inner));  // the first is warm-up
  }
  std::sort(times.begin(), times.end());
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return times[times.size() / 2];
}

// The custom decode attention against a host computation, fp16, grouped-query heads, the
// positions after `position` filled with NaN (never to be read).
void check_decode_attention() {
  namespace k = nnbench::engine::kernels;
  const std::int64_t batch = 2, heads = 8, kv_heads = 2, dim = 128, capacity = 300, position = 200;
  const std::int64_t cache_elems = batch * kv_heads * capacity * dim;
  std::vector<std::uint16_t> q(batch * heads * dim), keys(cache_elems), values(cache_elems);
  std::uint32_t state = 12345;
  const auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return (static_cast<float>(state >> 8) / 16777216.f - 0.5f) * 2.f;
  };
  const auto half_bits = [](float v) {
    const __half h = __float2half_rn(v);
    std::uint16_t bits;
    std::memcpy(&bits, &h, 2);
    return bits;
  };
  for (auto& e : q) e = half_bits(next());
  const std::uint16_t nan_bits = 0x7e00;
  for (std::int64_t i = 0; i < cache_elems; ++i) {
    const std::int64_t p = (i / dim) % capacity;
    keys[i] = p <= position ? half_bits(next()) : nan_bits;
    values[i] = p <= position ? half_bits(next()) : nan_bits;
  }
  void *dq, *dk, *dv, *dout, *dpos;
  check(cudaMalloc(&dq, 2 * q.size()), "malloc");
  check(cudaMalloc(&dk, 2 * cache_elems), "malloc");
  check(cudaMalloc(&dv, 2 * cache_elems), "malloc");
  check(cudaMalloc(&dout, 2 * q.size()), "malloc");
  check(cudaMalloc(&dpos, 8), "malloc");
  check(cudaMemcpy(dq, q.data(), 2 * q.size(), cudaMemcpyHostToDevice), "copy");
  check(cudaMemcpy(dk, keys.data(), 2 * cache_elems, cudaMemcpyHostToDevice), "copy");
  check(cudaMemcpy(dv, values.data(), 2 * cache_elems, cudaMemcpyHostToDevice), "copy");
  check(cudaMemcpy(dpos, &position, 8, cudaMemcpyHostToDevice), "copy");
  k::DecodeAttention op;
  op.q = dq;
  op.keys = dk;
  op.values = dv;
  op.position = static_cast<const std::int64_t*>(dpos);
  op.out = dout;
  op.batch = batch;
  op.heads = heads;
  op.kv_heads = kv_heads;
  op.dim = dim;
  op.capacity = capacity;
  op.scale = 1.f / std::sqrt(static_cast<float>(dim));
  if (!k::decode_attention_applies(op, ElementType::kFloat16)) {
    std::fprintf(stderr, "decode attention does not apply\n");
    std::exit(1);
  }
  check(k::launch_decode_attention(op, ElementType::kFloat16, nullptr), "attention");
  std::vector<std::uint16_t> out(q.size());
  check(cudaMemcpy(out.data(), dout, 2 * out.size(), cudaMemcpyDeviceToHost), "copy");
  double worst = 0;
  for (std::int64_t b = 0; b < batch; ++b) {
    for (std::int64_t h = 0; h < heads; ++h) {
      const std::int64_t kvh = h / (heads / kv_heads);
      const auto at = [&](std::int64_t p, std::int64_t d) {
        return ((b * kv_heads + kvh) * capacity + p) * dim + d;
      };
      std::vector<double> score(position + 1);
      double top = -1e300, total = 0;
      for (std::int64_t p = 0; p <= position; ++p) {
        double dot = 0;
        for (std::int64_t d = 0; d < dim; ++d) {
          dot += to_float(q[(b * heads + h) * dim + d], false) * to_float(keys[at(p, d)], false);
        }
        score[p] = dot / std::sqrt(static_cast<double>(dim));
        top = std::max(top, score[p]);
      }
      for (auto& e : score) total += (e = std::exp(e - top));
      for (std::int64_t d = 0; d < dim; ++d) {
        double expected = 0;
        for (std::int64_t p = 0; p <= position; ++p) {
          expected += score[p] / total * to_float(values[at(p, d)], false);
        }
        const double got = to_float(out[(b * heads + h) * dim + d], false);
        worst = std::max(worst, std::isnan(got) ? 1e9 : std::fabs(got - expected));
      }
    }
  }
  std::printf(
      "decode attention vs host (fp16, 2 x 8 heads / 2 kv heads, 201 of 300 positions): "
      "largest difference %.2e %s\n",
      worst, worst < 2e-3 ? "ok" : "WRONG");
  for (void* ptr : {dq, dk, dv, dout, dpos}) cudaFree(ptr);
  if (worst >= 2e-3) std::exit(1);
}

// One llama2-7b decode step at batch 1 in fp16 with kernel mode's launches (RMSNorm, fused QKV
// product, rotary + cache write, attention over 192 filled positions of 256, output product +
// residual, RMSNorm, gate/up product, SwiGLU, down product + residual; final norm, lm_head),
// captured in a CUDA graph: the step time the generation suite's kernel mode can reach at best.
void full_step(int reps, double copy_gb_s, cudaStream_t stream) {
  namespace k = nnbench::engine::kernels;
  const std::int64_t hidden = 4096, heads = 32, dim = 128, inter = 11008, vocab = 32000;
  const std::int64_t capacity = 256, layers = 32;
  struct Layer {
    void *qkv, *o, *gate_up, *down, *norm1, *norm2, *keys, *values;
  };
  std::vector<Layer> weights(layers);
  std::int64_t weight_bytes = 0;
  const auto alloc = [&](std::int64_t elems, float scale, std::uint32_t seed) {
    void* p;
    check(cudaMalloc(&p, 2 * elems), "malloc");
    fill(p, elems, seed, false, scale);
    return p;
  };
  for (std::int64_t l = 0; l < layers; ++l) {
    const auto seed = static_cast<std::uint32_t>(l * 16);
    weights[l] = {alloc(3 * hidden * hidden, 0.02f, seed),
                  alloc(hidden * hidden, 0.02f, seed + 1),
                  alloc(2 * inter * hidden, 0.02f, seed + 2),
                  alloc(hidden * inter, 0.02f, seed + 3),
                  alloc(hidden, 1.f, seed + 4),
                  alloc(hidden, 1.f, seed + 5),
                  alloc(capacity * hidden, 1.f, seed + 6),
                  alloc(capacity * hidden, 1.f, seed + 7)};
    weight_bytes += 2 * (4 * hidden * hidden + 3 * inter * hidden);
  }
  void* head = alloc(vocab * hidden, 0.02f, 9999);
  void* final_norm = alloc(hidden, 1.f, 9998);
  weight_bytes += 2 * vocab * hidden;
  void* cos = alloc(4096 * dim, 1.f, 77);
  void* sin = alloc(4096 * dim, 1.f, 78);
  void *x = alloc(hidden, 1.f, 5), *h = alloc(hidden, 1.f, 6), *n = alloc(hidden, 1.f, 7);
  void *qkv = alloc(3 * hidden, 1.f, 8), *q = alloc(hidden, 1.f, 9), *a = alloc(hidden, 1.f, 10);
  void *gu = alloc(2 * inter, 1.f, 11), *s = alloc(inter, 1.f, 12);
  void* logits = alloc(vocab, 1.f, 13);
  void* position;
  const std::int64_t filled = 191;
  check(cudaMalloc(&position, 8), "malloc");
  check(cudaMemcpy(position, &filled, 8, cudaMemcpyHostToDevice), "copy");
  bool overlap = true;  // the products and attention as dependent launches (dependent_launch.cuh)
  const auto gemv = [&](const void* in, const void* w, const void* residual, void* out,
                        std::int64_t kk, std::int64_t nn, const void* norm = nullptr,
                        bool swiglu = false, const k::QkvToCache* cache = nullptr) {
    SkinnyGemv op;
    op.norm_weight = norm;
    op.norm_eps = 1e-5f;
    op.swiglu = swiglu;
    if (cache != nullptr) {
      op.to_cache = true;
      op.cache = *cache;
    }
    op.x = in;
    op.x_stride = kk;
    op.weight = w;
    op.residual = residual;
    op.residual_stride = nn;
    op.out = out;
    op.rows = 1;
    op.k = kk;
    op.n = nn;
    op.overlap_previous = overlap;
    check(k::launch_skinny_gemv(op, ElementType::kFloat16, stream), "gemv");
  };
  // part: 0 every launch, else only one kind (1 products, 2 norms, 3 rotary + cache, 4 attention,
  // 5 SwiGLU), to see where the step's time goes. fused: the norms in the products' prologues,
  // rotary + cache write in the QKV product's epilogue and SwiGLU in the gate/up product's (what
  // kernel mode runs), so parts 2, 3 and 5 are empty.
  const auto step = [&](int part, bool fused) {
    const auto on = [&](int kind) { return part == 0 || part == kind; };
    for (std::int64_t l = 0; l < layers; ++l) {
      const Layer& w = weights[l];
      if (on(2) && !fused) {
        check(k::launch_rms_norm(x, w.norm1, n, 1, hidden, 1e-5f, ElementType::kFloat16, stream),
              "norm");
      }
      k::QkvToCache c;
      c.qkv = qkv;
      c.qkv_row_stride = 3 * hidden;
      c.batch = 1;
      c.heads = heads;
      c.kv_heads = heads;
      c.dim = dim;
      c.capacity = capacity;
      c.position = static_cast<const std::int64_t*>(position);
      c.cos = cos;
      c.sin = sin;
      c.q_out = q;
      c.keys = w.keys;
      c.values = w.values;
      if (fused) {
        if (on(1)) gemv(x, w.qkv, nullptr, nullptr, hidden, 3 * hidden, w.norm1, false, &c);
      } else {
        if (on(1)) gemv(n, w.qkv, nullptr, qkv, hidden, 3 * hidden);
        if (on(3)) check(k::launch_qkv_to_cache(c, ElementType::kFloat16, stream), "qkv to cache");
      }
      k::DecodeAttention att;
      att.q = q;
      att.keys = w.keys;
      att.values = w.values;
      att.position = static_cast<const std::int64_t*>(position);
      att.out = a;
      att.batch = 1;
      att.heads = heads;
      att.kv_heads = heads;
      att.dim = dim;
      att.capacity = capacity;
      att.scale = 1.f / std::sqrt(static_cast<float>(dim));
      att.overlap_previous = overlap;
      if (on(4)) check(k::launch_decode_attention(att, ElementType::kFloat16, stream), "attention");
      if (on(1)) gemv(a, w.o, x, h, hidden, hidden);
      if (fused) {
        if (on(1)) gemv(h, w.gate_up, nullptr, s, hidden, inter, w.norm2, true);
      } else {
        if (on(2)) {
          check(k::launch_rms_norm(h, w.norm2, n, 1, hidden, 1e-5f, ElementType::kFloat16, stream),
                "norm");
        }
        if (on(1)) gemv(n, w.gate_up, nullptr, gu, hidden, 2 * inter);
        if (on(5))
          check(k::launch_silu_and_mul(gu, s, 1, inter, ElementType::kFloat16, stream), "silu");
      }
      if (on(1)) gemv(s, w.down, h, x, inter, hidden);
    }
    if (fused) {
      if (on(1)) gemv(x, head, nullptr, logits, hidden, vocab, final_norm);
    } else {
      if (on(2)) {
        check(k::launch_rms_norm(x, final_norm, n, 1, hidden, 1e-5f, ElementType::kFloat16, stream),
              "norm");
      }
      if (on(1)) gemv(n, head, nullptr, logits, hidden, vocab);
    }
  };
  const char* const parts[] = {"full step",           "products",       "RMSNorm x 65",
                               "rotary + cache x 32", "attention x 32", "SwiGLU x 32"};
  // The fused step first (kernel mode's), with and without dependent launches, then the kernels
  // one by one part by part.
  struct Run {
    int part;
    bool fused, overlap;
  };
  std::vector<Run> runs = {{0, true, true}, {0, true, false}, {1, true, true}};
  for (int part = 0; part < 6; ++part) runs.push_back({part, false, true});
  for (const Run& run : runs) {
    const bool fused = run.fused;
    const int part = run.part;
    overlap = run.overlap;
    cudaGraph_t graph;
    cudaGraphExec_t exec;
    check(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal), "capture");
    step(part, fused);
    check(cudaStreamEndCapture(stream, &graph), "end capture");
    check(cudaGraphInstantiate(&exec, graph, 0), "instantiate");
    const float ms = median_ms(reps, 10, stream,
                               [&](int) { check(cudaGraphLaunch(exec, stream), "graph launch"); });
    const double bound_ms = weight_bytes / (copy_gb_s * 1e6);
    if (part == 0) {
      std::printf(
          "llama2-7b full step, %s, %s (fp16, batch 1, graph): %.3f ms, %.1f tokens/s; "
          "weights alone at the copy bandwidth: %.3f ms -> %.1f%% of the bound\n",
          fused ? "kernel mode's launches (norms, rotary + cache, SwiGLU in the products)"
                : "the kernels one by one",
          overlap ? "dependent launches" : "ordinary launches", ms, 1e3 / ms, bound_ms,
          100.0 * bound_ms / ms);
    } else if (fused) {
      std::printf("  of which products (norms, rotary + cache and SwiGLU inside): %.3f ms\n", ms);
    } else {
      std::printf("  of which %s: %.3f ms\n", parts[part], ms);
    }
    cudaGraphExecDestroy(exec);
    cudaGraphDestroy(graph);
  }
  for (const Layer& w : weights) {
    for (void* p : {w.qkv, w.o, w.gate_up, w.down, w.norm1, w.norm2, w.keys, w.values}) {
      cudaFree(p);
    }
  }
  for (void* p : {head, final_norm, cos, sin, x, h, n, qkv, q, a, gu, s, logits, position}) {
    cudaFree(p);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
  const int reps = quick ? 5 : 15;
  cudaDeviceProp prop{};
  check(cudaGetDeviceProperties(&prop, 0), "device");
  std::printf("device: %s, %d SMs, L2 %d MB\n", prop.name, prop.multiProcessorCount,
              prop.l2CacheSize >> 20);
  cudaStream_t stream;
  check(cudaStreamCreate(&stream), "stream");
  cublasHandle_t handle;
  check(cublasCreate(&handle), "cublas");
  check(cublasSetStream(handle, stream), "cublas stream");
  void* workspace;  // cuBLAS allocates nothing during graph capture with its own workspace
  const std::size_t workspace_bytes = std::size_t{32} << 20;
  check(cudaMalloc(&workspace, workspace_bytes), "malloc workspace");
  check(cublasSetWorkspace(handle, workspace, workspace_bytes), "cublas workspace");

  double copy_gb_s = 0;
  {  // the copy bandwidth, counted as read + write (as measure_copy_bandwidth does)
    const std::size_t bytes = std::size_t{1} << 30;
    void *a, *b;
    check(cudaMalloc(&a, bytes), "malloc");
    check(cudaMalloc(&b, bytes), "malloc");
    const float ms = median_ms(reps, 1, stream, [&](int) {
      check(cudaMemcpyAsync(b, a, bytes, cudaMemcpyDeviceToDevice, stream), "copy");
    });
    copy_gb_s = 2.0 * bytes / ms / 1e6;
    std::printf("copy 1 GiB D2D: %.3f ms, %.0f GB/s (read + write)\n", ms, copy_gb_s);
    cudaFree(a);
    cudaFree(b);
  }

  check_decode_attention();
  full_step(reps, copy_gb_s, stream);
  if (argc > 1 && std::string(argv[1]) == "--step") return 0;

  const std::vector<Shape> shapes = {
      {"llama2-7b", "qkv", 4096, 12288},     {"llama2-7b", "o", 4096, 4096},
      {"llama2-7b", "gate_up", 4096, 22016}, {"llama2-7b", "down", 11008, 4096},
      {"llama2-7b", "lm_head", 4096, 32000}, {"llama-1b", "qkv", 2048, 3072},
      {"llama-1b", "o", 2048, 2048},         {"llama-1b", "gate_up", 2048, 16384},
      {"llama-1b", "down", 8192, 2048},      {"llama-1b", "lm_head", 2048, 128256},
      {"gpt2", "c_attn", 768, 2304},         {"gpt2", "c_fc", 768, 3072},
      {"gpt2", "mlp_proj", 3072, 768},       {"gpt2", "lm_head", 768, 50257},
  };
  std::printf("%-10s %-8s %6s %6s %4s %5s %10s %10s %9s %9s %8s %10s\n", "model", "matrix", "k",
              "n", "rows", "dtype", "cublas_us", "skinny_us", "cublas_GB/s", "skinny_GB/s",
              "speedup", "max_rel_err");
  for (const bool bf16 : {false, true}) {
    for (const Shape& s : shapes) {
      const std::int64_t w_elems = s.k * s.n;
      const std::int64_t w_bytes = 2 * w_elems;
      // Enough copies that the set exceeds L2 four times over.
      const int copies = static_cast<int>(std::max<std::int64_t>(
          2, (4 * static_cast<std::int64_t>(prop.l2CacheSize)) / w_bytes + 1));
      void* w;
      check(cudaMalloc(&w, w_bytes * copies), "malloc W");
      fill(w, w_elems * copies, 17, bf16, 0.05f);
      void *x, *out_ref, *out;
      check(cudaMalloc(&x, 2 * 8 * s.k), "malloc x");
      check(cudaMalloc(&out_ref, 2 * 8 * s.n), "malloc out");
      check(cudaMalloc(&out, 2 * 8 * s.n), "malloc out");
      fill(x, 8 * s.k, 99, bf16, 1.f);
      for (const std::int64_t rows : {1, 4, 8}) {
        const auto weight = [&](int i) {
          return static_cast<const char*>(w) + static_cast<std::int64_t>(i % copies) * w_bytes;
        };
        const float cublas_ms = median_ms(reps, copies * 4, stream, [&](int i) {
          cublas_linear(handle, x, weight(i), out_ref, rows, s.k, s.n, bf16);
        });
        const float skinny_ms = median_ms(reps, copies * 4, stream, [&](int i) {
          skinny_linear(x, weight(i), out, rows, s.k, s.n, bf16, stream);
        });
        // Same W for both, then compare.
        cublas_linear(handle, x, weight(0), out_ref, rows, s.k, s.n, bf16);
        skinny_linear(x, weight(0), out, rows, s.k, s.n, bf16, stream);
        check(cudaStreamSynchronize(stream), "sync");
        std::vector<std::uint16_t> a(rows * s.n), b(rows * s.n);
        check(cudaMemcpy(a.data(), out_ref, 2 * rows * s.n, cudaMemcpyDeviceToHost), "copy");
        check(cudaMemcpy(b.data(), out, 2 * rows * s.n, cudaMemcpyDeviceToHost), "copy");
        double max_err = 0, max_ref = 0;
        for (std::size_t i = 0; i < a.size(); ++i) {
          const double ra = to_float(a[i], bf16), rb = to_float(b[i], bf16);
          max_err = std::max(max_err, std::fabs(ra - rb));
          max_ref = std::max(max_ref, std::fabs(ra));
        }
        std::printf("%-10s %-8s %6lld %6lld %4lld %5s %10.2f %10.2f %11.0f %11.0f %8.2f %10.2e\n",
                    s.model, s.name, static_cast<long long>(s.k), static_cast<long long>(s.n),
                    static_cast<long long>(rows), bf16 ? "bf16" : "fp16", cublas_ms * 1e3,
                    skinny_ms * 1e3, w_bytes / cublas_ms / 1e6, w_bytes / skinny_ms / 1e6,
                    cublas_ms / skinny_ms, max_err / std::max(max_ref, 1e-30));
      }
      cudaFree(w);
      cudaFree(x);
      cudaFree(out_ref);
      cudaFree(out);
    }
  }

  // A whole llama2-7b decode step's products at batch 1 in fp16 (32 layers: qkv, o, gate_up,
  // down; then lm_head), each launch as the step makes it, captured in a CUDA graph.
  {
    const std::vector<Shape> layer = {shapes[0], shapes[1], shapes[2], shapes[3]};
    std::vector<void*> weights;
    std::int64_t total_bytes = 0;
    for (int l = 0; l < 32; ++l) {
      for (const Shape& s : layer) {
        void* w;
        check(cudaMalloc(&w, 2 * s.k * s.n), "malloc step W");
        fill(w, s.k * s.n, 7 + l, false, 0.05f);
        weights.push_back(w);
        total_bytes += 2 * s.k * s.n;
      }
    }
    void* head;
    check(cudaMalloc(&head, 2 * shapes[4].k * shapes[4].n), "malloc head");
    fill(head, shapes[4].k * shapes[4].n, 5, false, 0.05f);
    total_bytes += 2 * shapes[4].k * shapes[4].n;
    void *x, *out;
    check(cudaMalloc(&x, 2 * 22016), "malloc x");
    check(cudaMalloc(&out, 2 * 32000), "malloc out");
    fill(x, 22016, 3, false, 1.f);
    for (const bool use_skinny : {false, true}) {
      const auto step = [&] {
        for (int l = 0; l < 32; ++l) {
          for (int m = 0; m < 4; ++m) {
            const Shape& s = layer[m];
            if (use_skinny) {
              skinny_linear(x, weights[l * 4 + m], out, 1, s.k, s.n, false, stream);
            } else {
              cublas_linear(handle, x, weights[l * 4 + m], out, 1, s.k, s.n, false);
            }
          }
        }
        if (use_skinny) {
          skinny_linear(x, head, out, 1, 4096, 32000, false, stream);
        } else {
          cublas_linear(handle, x, head, out, 1, 4096, 32000, false);
        }
      };
      cudaGraph_t graph;
      cudaGraphExec_t exec;
      check(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal), "capture");
      step();
      check(cudaStreamEndCapture(stream, &graph), "end capture");
      check(cudaGraphInstantiate(&exec, graph, 0), "instantiate");
      const float ms = median_ms(
          reps, 10, stream, [&](int) { check(cudaGraphLaunch(exec, stream), "graph launch"); });
      std::printf(
          "llama2-7b step products (fp16, batch 1, graph, %s): %.3f ms for %.2f GB, %.0f GB/s,"
          " %.1f steps/s\n",
          use_skinny ? "skinny" : "cublas", ms, total_bytes / 1e9, total_bytes / ms / 1e6,
          1e3 / ms);
      cudaGraphExecDestroy(exec);
      cudaGraphDestroy(graph);
    }
    for (void* w : weights) cudaFree(w);
    cudaFree(head);
    cudaFree(x);
    cudaFree(out);
  }
  cublasDestroy(handle);
  cudaFree(workspace);
  cudaStreamDestroy(stream);
  return 0;
}
