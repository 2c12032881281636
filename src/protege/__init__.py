"""protege: turn production LLM traffic into a small fine-tuned model, and serve it.

The loop is capture -> dataset -> fine-tune -> evaluate -> serve -> extract; each stage is a
sub-package (see ``docs/architecture.md``) and a ``protege <noun> <verb>`` command.
"""

from typing import Any

from protege.version import __version__

__all__ = ["AsyncOpenAI", "OpenAI", "__version__"]


def __getattr__(name: str) -> Any:
    """``protege.OpenAI`` and ``protege.AsyncOpenAI`` load the SDK (and openai) on first use, so
    the CLI does not pay for them."""
    if name in ("OpenAI", "AsyncOpenAI"):
        from protege.capture import sdk

        return getattr(sdk, name)
    raise AttributeError(f"module 'protege' has no attribute {name!r}")
