"""The seed models (models/simple_mlp.nn, cnn.nn, deep_mlp.nn) hand-written in Keras 3, as a
person would write them without the model language: the `native` side of dsl_vs_native's
backend keras (nnbench_worker_keras.py --handwritten NAME).

Same architecture and hyperparameters as the .nn files: a Sequential model on channels-last
(28, 28, 1) images ending in Dense(10, softmax), sparse categorical cross-entropy, Adam with
learning rate 1e-3, batch size 128, 5 epochs; Keras's defaults for the rest (Glorot
initialisation, which dsl_vs_native replaces by the language model's initial state: see
nnbench_worker_keras.py). Adam's epsilon is written out: the model files' Adam is the language's, whose
epsilon is 1e-8 (docs/language.md, as PyTorch's), and Keras's default is 1e-7. With that default
the two sides drifted apart (dsl_vs_native --quick: test accuracy differences up to 0.0078, for
deep_mlp, against the verdict's 0.01); with 1e-8 the MLPs train bit for bit alike and the cnn to
the fourth decimal. No accuracy metric is compiled in: the language's code tracks the loss only,
so both do the same work per step.
"""
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
from keras import layers  # noqa: E402

BATCH_SIZE = 128
EPOCHS = 5
LEARNING_RATE = 1e-3
EPSILON = 1e-8  # the language's Adam (Keras's own default is 1e-7)


def simple_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Flatten(),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(10, activation="softmax"),
    ], name="simple_mlp")


def cnn():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Flatten(),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ], name="cnn")


def deep_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Flatten(),
        layers.Dense(512, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(256, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(10, activation="softmax"),
    ], name="deep_mlp")


MODELS = {"simple_mlp": simple_mlp, "cnn": cnn, "deep_mlp": deep_mlp}


def compile_model(model):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE, epsilon=EPSILON),
                  loss="sparse_categorical_crossentropy")
    return model
