"""A small convolutional classifier in nnbench's Python model convention (docs/your-model.md):
`model()` builds the torch.nn.Module, `example_inputs(batch_size, dtype, device)` returns the
positional arguments of one forward call. nnbench's `user_model` benchmark runs it in eager
PyTorch, torch.compile, AOTInductor and ONNX Runtime: `nnbench run --suite user-model`.
"""
import torch
from torch import nn


class SmallConvNet(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1))
        self.classifier = nn.Linear(32, classes)

    def forward(self, images):
        return self.classifier(torch.flatten(self.features(images), 1))


def model():
    return SmallConvNet()


def example_inputs(batch_size, dtype, device):
    return (torch.randn(batch_size, 3, 32, 32, dtype=dtype, device=device),)
