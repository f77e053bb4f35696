"""kubetui: a keyboard-driven Kubernetes debugging console."""

__version__ = "0.1.0"
