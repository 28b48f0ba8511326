"""Where a llama2-7b decode step's time goes on the GPU: the step as nnbench's graph/kernel modes
run it (fused QKV and gate/up products, static KV cache written with index_copy_, attention over
the whole cache with a mask through scaled_dot_product_attention), written in PyTorch with random
weights, profiled kernel by kernel with torch.profiler, and timed whole in a CUDA graph.

Usage: python3 tools/decode_step_profile.py [--layers 32] [--capacity 256] [--dtype fp16]
Prints the device time per kernel family and the step time; docs/benchmarks.md records a run.
"""

import argparse
import collections

import torch
import torch.nn.functional as F


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--layers", type=int, default=32)
    parser.add_argument("--capacity", type=int, default=256)
    parser.add_argument("--position", type=int, default=192)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--dtype", default="fp16", choices=["fp16", "bf16"])
    args = parser.parse_args()
    dtype = torch.float16 if args.dtype == "fp16" else torch.bfloat16
    dev = torch.device("cuda")
    hidden, heads, inter, vocab = 4096, 32, 11008, 32000
    d = hidden // heads
    torch.manual_seed(0)

    def w(rows: int, cols: int) -> torch.Tensor:
        return torch.randn(rows, cols, device=dev, dtype=dtype) * 0.02

    layers = [
        dict(qkv=w(3 * hidden, hidden), o=w(hidden, hidden), gate_up=w(2 * inter, hidden),
             down=w(hidden, inter), n1=torch.ones(hidden, device=dev, dtype=dtype),
             n2=torch.ones(hidden, device=dev, dtype=dtype),
             k=torch.zeros(args.batch, heads, args.capacity, d, device=dev, dtype=dtype),
             v=torch.zeros(args.batch, heads, args.capacity, d, device=dev, dtype=dtype))
        for _ in range(args.layers)
    ]
    head = w(vocab, hidden)
    position = torch.tensor([args.position], device=dev)
    visible = (torch.arange(args.capacity, device=dev) <= position).view(1, 1, 1, -1)
    cos = torch.randn(1, d, device=dev, dtype=dtype)
    sin = torch.randn(1, d, device=dev, dtype=dtype)
    x0 = torch.randn(args.batch, 1, hidden, device=dev, dtype=dtype)

    def rms(x: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
        f = x.float()
        return (f * torch.rsqrt(f.pow(2).mean(-1, keepdim=True) + 1e-5)).to(x.dtype) * g

    def rotary(x: torch.Tensor) -> torch.Tensor:
        a, b = x.chunk(2, -1)
        return x * cos + torch.cat([-b, a], -1) * sin

    def step() -> torch.Tensor:
        x = x0
        b = args.batch
        for p in layers:
            qkv = F.linear(rms(x, p["n1"]), p["qkv"])
            q, k, v = qkv.split(hidden, -1)
            q = rotary(q.view(b, 1, heads, d)).transpose(1, 2)
            k = rotary(k.view(b, 1, heads, d)).transpose(1, 2)
            v = v.view(b, 1, heads, d).transpose(1, 2)
            p["k"].index_copy_(2, position, k)
            p["v"].index_copy_(2, position, v)
            a = F.scaled_dot_product_attention(q, p["k"], p["v"], attn_mask=visible)
            h = x + F.linear(a.transpose(1, 2).reshape(b, 1, hidden), p["o"])
            gu = F.linear(rms(h, p["n2"]), p["gate_up"])
            g, u = gu.chunk(2, -1)
            x = h + F.linear(F.silu(g) * u, p["down"])
        return F.linear(x, head).argmax(-1)

    with torch.inference_mode():
        for _ in range(3):
            step()
        torch.cuda.synchronize()
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CUDA]) as prof:
            step()
            torch.cuda.synchronize()
        families: dict = collections.defaultdict(lambda: [0.0, 0])
        for event in prof.events():
            if event.device_type == torch.autograd.DeviceType.CUDA:
                families[event.name[:90]][0] += event.device_time_total
                families[event.name[:90]][1] += 1
        total = sum(t for t, _ in families.values())
        print(f"kernels of one step (eager, profiled): {total / 1e3:.3f} ms device time")
        for name, (t, n) in sorted(families.items(), key=lambda kv: -kv[1][0])[:20]:
            print(f"  {t / 1e3:8.3f} ms  {100 * t / total:5.1f}%  {n:5d}x  {name}")

        graph = torch.cuda.CUDAGraph()
        stream = torch.cuda.Stream()
        stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(stream):
            step()
        torch.cuda.current_stream().wait_stream(stream)
        with torch.cuda.graph(graph):
            step()
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        graph.replay()
        start.record()
        for _ in range(20):
            graph.replay()
        stop.record()
        torch.cuda.synchronize()
        ms = start.elapsed_time(stop) / 20
        weight_bytes = sum(p[k].numel() * p[k].element_size() for p in layers
                           for k in ("qkv", "o", "gate_up", "down")) + head.numel() * 2
        print(f"step in a CUDA graph: {ms:.3f} ms ({1e3 / ms:.1f} tokens/s per sequence); "
              f"weights {weight_bytes / 1e9:.2f} GB -> {weight_bytes / ms / 1e6:.0f} GB/s")


if __name__ == "__main__":
    main()
