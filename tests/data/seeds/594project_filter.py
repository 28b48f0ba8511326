# 594Project's docs/benchmarking.md, "Reading Results": its filter and print as written; the
# BenchmarkLogger line it starts with is pandas' read_csv of the same file (the seed's
# BenchmarkLogger.read_results returns that DataFrame).
import pandas as pd

df = pd.read_csv('results/raw/benchmark_results_20250101_120000.csv')

# Filter and analyze
pytorch_resnet = df[(df['framework'] == 'pytorch') & (df['model'] == 'resnet50')]
print(pytorch_resnet[['batch_size', 'latency_p50_ms', 'throughput_ips', 'memory_mb']])
# nnbench's check (not the seed's): the rows and columns the snippet relies on.
print("rows:", len(pytorch_resnet))
print("compilation_time_ms column:", 'compilation_time_ms' in df.columns)
