"""MLP Studio: a desktop lab for multilayer perceptrons and backpropagation."""

__version__ = "0.1.0"
