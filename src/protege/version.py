"""The package version: a leaf module, so that anything may import it without importing the
package's ``__init__`` (which loads the SDK on first use of ``protege.OpenAI``)."""

__version__ = "0.1.0"
