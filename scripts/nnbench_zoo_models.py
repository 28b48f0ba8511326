"""The inference zoo's native models (src/nnbench/engine/models/resnet.cpp, vision_transformer.cpp) in
PyTorch, for the `aot` mode: the same layers, the same forward and the same registration order,
so nnbench's weights copy over tensor by tensor (parameters, then buffers other than batch counters).
"""
import torch
from torch import nn
from torch.nn import functional as F


class Bottleneck(nn.Module):
    def __init__(self, inplanes, width, stride):
        super().__init__()
        out = width * 4
        self.conv1 = nn.Conv2d(inplanes, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, out, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out)
        self.downsample = None
        if stride != 1 or inplanes != out:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, out, 1, stride=stride, bias=False),
                                            nn.BatchNorm2d(out))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        y = y + (self.downsample(x) if self.downsample is not None else x)
        return F.relu(y)


class ResNet50(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        inplanes = 64
        for stage, blocks in enumerate([3, 4, 6, 3]):
            width = 64 << stage
            layers = []
            for b in range(blocks):
                layers.append(Bottleneck(inplanes, width, 2 if stage > 0 and b == 0 else 1))
                inplanes = width * 4
            setattr(self, f"layer{stage + 1}", nn.Sequential(*layers))
        self.fc = nn.Linear(inplanes, num_classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.max_pool2d(x, 3, 2, 1)
        for stage in (self.layer1, self.layer2, self.layer3, self.layer4):
            x = stage(x)
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


class EncoderBlock(nn.Module):
    def __init__(self, hidden, heads, mlp, eps):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(hidden, eps=eps)
        self.in_proj = nn.Linear(hidden, 3 * hidden)
        self.out_proj = nn.Linear(hidden, hidden)
        self.ln_2 = nn.LayerNorm(hidden, eps=eps)
        self.mlp_0 = nn.Linear(hidden, mlp)
        self.mlp_3 = nn.Linear(mlp, hidden)

    def forward(self, x):
        n, length, width = x.shape
        qkv = self.in_proj(self.ln_1(x)).view(n, length, 3, self.heads, width // self.heads)
        qkv = qkv.permute(2, 0, 3, 1, 4)
        attended = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2])
        y = x + self.out_proj(attended.transpose(1, 2).reshape(n, length, width))
        return y + self.mlp_3(F.gelu(self.mlp_0(self.ln_2(y))))


class VisionTransformer(nn.Module):
    def __init__(self, image_size=224, patch_size=16, num_layers=12, num_heads=12,
                 hidden_dim=768, mlp_dim=3072, num_classes=1000, eps=1e-6):
        super().__init__()
        length = (image_size // patch_size) ** 2 + 1
        # The root's own parameters first, as LibTorch registers them.
        self.class_token = nn.Parameter(torch.zeros(1, 1, hidden_dim))
        self.pos_embedding = nn.Parameter(torch.zeros(1, length, hidden_dim))
        self.conv_proj = nn.Conv2d(3, hidden_dim, patch_size, stride=patch_size)
        self.layers = nn.ModuleList(EncoderBlock(hidden_dim, num_heads, mlp_dim, eps)
                                    for _ in range(num_layers))
        self.ln = nn.LayerNorm(hidden_dim, eps=eps)
        self.head = nn.Linear(hidden_dim, num_classes)

    def forward(self, x):
        tokens = self.conv_proj(x).flatten(2).transpose(1, 2)
        tokens = torch.cat([self.class_token.expand(x.shape[0], -1, -1), tokens], 1)
        tokens = tokens + self.pos_embedding
        for block in self.layers:
            tokens = block(tokens)
        return self.head(self.ln(tokens[:, 0]))


def resnet50(image_size=224):
    del image_size  # any size >= 32 runs
    return ResNet50()


def vit_b_16(image_size=224):
    return VisionTransformer(image_size=image_size)
