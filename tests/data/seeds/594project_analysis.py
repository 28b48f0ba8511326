# 594Project's docs/benchmarking.md, "Integration with Analysis", as written (the test copies
# nnbench's CSV to the file name it reads and runs this with MPLBACKEND=Agg).
import pandas as pd
import matplotlib.pyplot as plt

# Load results
df = pd.read_csv('results/raw/benchmark_results_20250101_120000.csv')

# Plot latency vs batch size
pytorch_resnet = df[(df['framework'] == 'pytorch') & (df['model'] == 'resnet50')]
plt.plot(pytorch_resnet['batch_size'], pytorch_resnet['latency_p50_ms'])
plt.xlabel('Batch Size')
plt.ylabel('Latency (ms)')
plt.title('ResNet-50 Latency vs Batch Size')
plt.show()
