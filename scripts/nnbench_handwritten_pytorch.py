"""The seed models (models/simple_mlp.nn, cnn.nn, deep_mlp.nn) hand-written in PyTorch, as a
person would write them without the model language: the `native` side of dsl_vs_native's
backend pytorch (nnbench_worker_pytorch.py --handwritten NAME), as the LibTorch twins in
src/nnbench/suites/native_models.cpp are for backend torch.

Same architecture and hyperparameters as the .nn files: Adam with learning rate 1e-3, batch
size 128, 5 epochs, cross-entropy of the logits (the softmax of the model files' Output layer is
folded into the loss, as PyTorch code does).
"""
import torch
import torch.nn.functional as F
from torch import nn

BATCH_SIZE = 128
EPOCHS = 5
LEARNING_RATE = 1e-3


class SimpleMLP(nn.Module):
    """Flatten -> Dense(128, relu) -> Dropout(0.2) -> Dense(10)"""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(28 * 28, 128)
        self.dropout = nn.Dropout(0.2)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = torch.flatten(x, 1)
        x = self.dropout(F.relu(self.fc1(x)))
        return self.fc2(x)


class CNN(nn.Module):
    """Conv(32, 3x3, relu) -> MaxPool(2) -> Conv(64, 3x3, relu) -> MaxPool(2) -> Flatten ->
    Dense(128, relu) -> Dropout(0.5) -> Dense(10)"""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=3)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=3)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(64 * 5 * 5, 128)
        self.dropout = nn.Dropout(0.5)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = self.dropout(F.relu(self.fc1(x)))
        return self.fc2(x)


class DeepMLP(nn.Module):
    """Flatten -> Dense(512) -> Dense(256) -> Dense(128), each relu and Dropout(0.3) -> Dense(10)"""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(28 * 28, 512)
        self.fc2 = nn.Linear(512, 256)
        self.fc3 = nn.Linear(256, 128)
        self.fc4 = nn.Linear(128, 10)
        self.dropout = nn.Dropout(0.3)

    def forward(self, x):
        x = torch.flatten(x, 1)
        x = self.dropout(F.relu(self.fc1(x)))
        x = self.dropout(F.relu(self.fc2(x)))
        x = self.dropout(F.relu(self.fc3(x)))
        return self.fc4(x)


MODELS = {"simple_mlp": SimpleMLP, "cnn": CNN, "deep_mlp": DeepMLP}

loss_fn = nn.CrossEntropyLoss()


def make_optimizer(model):
    return torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
