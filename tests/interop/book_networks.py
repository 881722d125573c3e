#!/usr/bin/python3
"""Loads a sweep's checkpoints into the book's own PyTorch networks and checks their metrics.

    /usr/bin/python3 tests/interop/book_networks.py DIR

Below are d2l's networks as the book's PyTorch code (classic edition) writes them: its classes
(Inception, Residual, DenseBlock) and block functions (vgg_block, nin_block, resnet_block,
conv_block, transition_block), the book's channel counts passed through `s`, which scales them
as hpsweep scales `model.width` (docs/models.md). For every trial of DIR/sweep.h5,
load_checkpoint_torch.check_sweep loads the checkpoint's /params and buffers into the book's
network with load_state_dict(strict=True), in the same order, and checks that the network in
eval mode gives the trial's recorded test_loss and test_error on the same test images. Each
trial must have learned (check_trained), so that matching metrics mean matching networks.
"""
import math
import os
import sys

import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load_checkpoint_torch import check_sweep, snapshot_sweep  # noqa: E402


class Scale:
    """The book's channel count c as hpsweep builds it: c * width / book_width, rounded, >= 1."""

    def __init__(self, width, book_width):
        self.ratio = width / book_width

    def __call__(self, channels):
        return max(1, math.floor(channels * self.ratio + 0.5))


def flat_features(layers, size):
    """Features after Flatten of `layers` on a size x size image: the book's literal
    `16 * 5 * 5` or `out_channels * 7 * 7`, for the input hpsweep trained on."""
    with torch.no_grad():
        return nn.Sequential(*layers, nn.Flatten())(torch.zeros(1, 1, size, size)).shape[1]


# --- 3.7 Softmax regression, 4.6 MLP with dropout -------------------------------------------

def softmax_regression(size, **_):
    return nn.Sequential(nn.Flatten(), nn.Linear(size * size, 10))


def mlp(size, width, dropout, **_):
    # The book's num_hiddens1 = num_hiddens2 = 256 are hpsweep's `width`.
    num_inputs, num_outputs, num_hiddens1, num_hiddens2 = size * size, 10, width, width
    dropout1 = dropout2 = dropout
    return nn.Sequential(nn.Flatten(),
                         nn.Linear(num_inputs, num_hiddens1), nn.ReLU(), nn.Dropout(dropout1),
                         nn.Linear(num_hiddens1, num_hiddens2), nn.ReLU(), nn.Dropout(dropout2),
                         nn.Linear(num_hiddens2, num_outputs))


# --- 7.6 LeNet, 8.5 LeNet with batch norm -----------------------------------------------------

def lenet(s, **_):
    return nn.Sequential(
        nn.Conv2d(1, s(6), kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(s(6), s(16), kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(s(16) * 5 * 5, s(120)), nn.Sigmoid(),
        nn.Linear(s(120), s(84)), nn.Sigmoid(),
        nn.Linear(s(84), 10))


def lenet_bn(s, **_):
    # The book's listing with hpsweep's documented changes (docs/models.md): the first conv
    # padded by 2 (so 16x5x5 features, Linear(16 * 5 * 5, 120) for the book's 256), ReLU for
    # Sigmoid, max for average pooling. The names are the book's.
    return nn.Sequential(
        nn.Conv2d(1, s(6), kernel_size=5, padding=2), nn.BatchNorm2d(s(6)), nn.ReLU(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Conv2d(s(6), s(16), kernel_size=5), nn.BatchNorm2d(s(16)), nn.ReLU(),
        nn.MaxPool2d(kernel_size=2, stride=2), nn.Flatten(),
        nn.Linear(s(16) * 5 * 5, s(120)), nn.BatchNorm1d(s(120)), nn.ReLU(),
        nn.Linear(s(120), s(84)), nn.BatchNorm1d(s(84)), nn.ReLU(),
        nn.Linear(s(84), 10))


# --- 8.1 AlexNet ------------------------------------------------------------------------------

def alexnet(s, size, dropout, **_):
    features = [
        nn.Conv2d(1, s(96), kernel_size=11, stride=4, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(s(96), s(256), kernel_size=5, padding=2), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(s(256), s(384), kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(s(384), s(384), kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(s(384), s(256), kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2)]
    return nn.Sequential(
        *features, nn.Flatten(),
        nn.Linear(flat_features(features, size), s(4096)), nn.ReLU(), nn.Dropout(p=dropout),
        nn.Linear(s(4096), s(4096)), nn.ReLU(), nn.Dropout(p=dropout),
        nn.Linear(s(4096), 10))


# --- 8.2 VGG ----------------------------------------------------------------------------------

def vgg_block(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU())
        in_channels = out_channels
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


def vgg(s, size, depth, dropout, **_):
    conv_arch = ((1, s(64)), (1, s(128)), (2, s(256)), (2, s(512)), (2, s(512)))[:depth]
    conv_blks = []
    in_channels = 1
    for (num_convs, out_channels) in conv_arch:
        conv_blks.append(vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    return nn.Sequential(
        *conv_blks, nn.Flatten(),
        nn.Linear(flat_features(conv_blks, size), s(4096)), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(s(4096), s(4096)), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(s(4096), 10))


# --- 8.3 NiN ----------------------------------------------------------------------------------

def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU())


def nin(s, dropout, **_):
    return nn.Sequential(
        nin_block(1, s(96), kernel_size=11, strides=4, padding=0),
        nn.MaxPool2d(3, stride=2),
        nin_block(s(96), s(256), kernel_size=5, strides=1, padding=2),
        nn.MaxPool2d(3, stride=2),
        nin_block(s(256), s(384), kernel_size=3, strides=1, padding=1),
        nn.MaxPool2d(3, stride=2),
        nn.Dropout(dropout),
        nin_block(s(384), 10, kernel_size=3, strides=1, padding=1),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten())


# --- 8.4 GoogLeNet ----------------------------------------------------------------------------

class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4, **kwargs):
        super(Inception, self).__init__(**kwargs)
        self.p1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        self.p2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
        self.p2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        self.p3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
        self.p3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        self.p4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.p4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)

    def forward(self, x):
        p1 = F.relu(self.p1_1(x))
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(x))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(x))))
        p4 = F.relu(self.p4_2(self.p4_1(x)))
        return torch.cat((p1, p2, p3, p4), dim=1)


def googlenet(s, depth, **_):
    b1 = nn.Sequential(nn.Conv2d(1, s(64), kernel_size=7, stride=2, padding=3),
                       nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b2 = nn.Sequential(nn.Conv2d(s(64), s(64), kernel_size=1), nn.ReLU(),
                       nn.Conv2d(s(64), s(192), kernel_size=3, padding=1), nn.ReLU(),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b3 = nn.Sequential(Inception(s(192), s(64), (s(96), s(128)), (s(16), s(32)), s(32)),
                       Inception(s(256), s(128), (s(128), s(192)), (s(32), s(96)), s(64)),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b4 = nn.Sequential(Inception(s(480), s(192), (s(96), s(208)), (s(16), s(48)), s(64)),
                       Inception(s(512), s(160), (s(112), s(224)), (s(24), s(64)), s(64)),
                       Inception(s(512), s(128), (s(128), s(256)), (s(24), s(64)), s(64)),
                       Inception(s(512), s(112), (s(144), s(288)), (s(32), s(64)), s(64)),
                       Inception(s(528), s(256), (s(160), s(320)), (s(32), s(128)), s(128)),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b5 = nn.Sequential(Inception(s(832), s(256), (s(160), s(320)), (s(32), s(128)), s(128)),
                       Inception(s(832), s(384), (s(192), s(384)), (s(48), s(128)), s(128)),
                       nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())
    stages = (b3, b4, b5)[:depth]
    if depth < 3:
        # hpsweep's shallower GoogLeNet (docs/models.md): the last stage built ends with b5's
        # pooling and Flatten, and the classifier follows it.
        stages[-1].extend([nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten()])
    return nn.Sequential(b1, b2, *stages, nn.Linear((s(480), s(832), s(1024))[depth - 1], 10))


# --- 8.6 ResNet -------------------------------------------------------------------------------

class Residual(nn.Module):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1,
                               stride=strides)
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        if use_1x1conv:
            self.conv3 = nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides)
        else:
            self.conv3 = None
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y += X
        return F.relu(Y)


def resnet_block(input_channels, num_channels, num_residuals, first_block=False):
    blk = []
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.append(Residual(input_channels, num_channels, use_1x1conv=True, strides=2))
        else:
            blk.append(Residual(num_channels, num_channels))
    return blk


def resnet(s, depth, **_):
    # ResNet-18 has 2 residual blocks per stage; hpsweep's `depth` of them.
    b1 = nn.Sequential(nn.Conv2d(1, s(64), kernel_size=7, stride=2, padding=3),
                       nn.BatchNorm2d(s(64)), nn.ReLU(),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b2 = nn.Sequential(*resnet_block(s(64), s(64), depth, first_block=True))
    b3 = nn.Sequential(*resnet_block(s(64), s(128), depth))
    b4 = nn.Sequential(*resnet_block(s(128), s(256), depth))
    b5 = nn.Sequential(*resnet_block(s(256), s(512), depth))
    return nn.Sequential(b1, b2, b3, b4, b5,
                         nn.AdaptiveAvgPool2d((1, 1)),
                         nn.Flatten(), nn.Linear(s(512), 10))


# --- 8.7 DenseNet -----------------------------------------------------------------------------

def conv_block(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1))


class DenseBlock(nn.Module):
    def __init__(self, num_convs, input_channels, num_channels):
        super(DenseBlock, self).__init__()
        layer = []
        for i in range(num_convs):
            layer.append(conv_block(num_channels * i + input_channels, num_channels))
        self.net = nn.Sequential(*layer)

    def forward(self, X):
        for blk in self.net:
            Y = blk(X)
            X = torch.cat((X, Y), dim=1)
        return X


def transition_block(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=1),
        nn.AvgPool2d(kernel_size=2, stride=2))


def densenet(s, depth, **_):
    b1 = nn.Sequential(nn.Conv2d(1, s(64), kernel_size=7, stride=2, padding=3),
                       nn.BatchNorm2d(s(64)), nn.ReLU(),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    num_channels, growth_rate = s(64), s(32)
    num_convs_in_dense_blocks = [depth] * 4  # the book's [4, 4, 4, 4]
    blks = []
    for i, num_convs in enumerate(num_convs_in_dense_blocks):
        blks.append(DenseBlock(num_convs, num_channels, growth_rate))
        num_channels += num_convs * growth_rate
        if i != len(num_convs_in_dense_blocks) - 1:
            blks.append(transition_block(num_channels, num_channels // 2))
            num_channels = num_channels // 2
    return nn.Sequential(
        b1, *blks,
        nn.BatchNorm2d(num_channels), nn.ReLU(),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten(),
        nn.Linear(num_channels, 10))


# ----------------------------------------------------------------------------------------------

# model.type: (the book's network, the book's width, depths it is written for)
BOOK_NETWORKS = {
    "softmax": (softmax_regression, None, None),
    "mlp": (mlp, None, {2}),
    "lenet": (lenet, 6, {2}),
    "lenet-bn": (lenet_bn, 6, {2}),
    "alexnet": (alexnet, 96, {3}),
    "vgg": (vgg, 64, {1, 2, 3, 4, 5}),
    "nin": (nin, 96, {3}),
    "googlenet": (googlenet, 64, {1, 2, 3}),
    "resnet": (resnet, 64, None),
    "densenet": (densenet, 64, None),
}


def book_network(config):
    """The book's network for a trial's config (its text attribute, parsed)."""
    build, book_width, depths = BOOK_NETWORKS[config["model.type"]]
    width, depth = int(config["model.width"]), int(config["model.depth"])
    if depths is not None and depth not in depths:
        raise ValueError(f"{config['model.type']}: the book's network has no depth {depth}")
    return build(s=Scale(width, book_width) if book_width else None,
                 size=int(config["dataset.input_size"]) or 28, width=width, depth=depth,
                 dropout=float(config["model.dropout"]))


def check_trained(sweep_dir):
    """Networks that predict the class frequencies all give the chance loss ln 10, so matching
    metrics would not tell them apart: each trial must have learned enough that its test loss
    is off chance by 40 times check_sweep's loss tolerance (1e-4 relative)."""
    _, trials = snapshot_sweep(os.path.join(sweep_dir, "sweep.h5"))
    for trial in trials:
        loss = trial["curves"]["test_loss"][-1]
        assert abs(loss - math.log(10)) > 40e-4 * math.log(10), \
            f"trial {trial['name']}: test_loss {loss} is too close to chance to test the network"


def main():
    directory = sys.argv[1]
    check_trained(directory)
    checked = check_sweep(directory, book_network)
    print(f"book_networks: OK ({checked} checkpoints load strictly into the book's networks "
          f"and give hpsweep's test metrics)")


if __name__ == "__main__":
    sys.exit(main())
