"""Recyclic: software for French ressourceries."""

__version__ = "0.1.0"
