"""protege: turn production LLM traffic into a small fine-tuned model, and serve it.

The loop is capture -> dataset -> fine-tune -> evaluate -> serve -> extract; each stage is a
sub-package (see ``shared/DESIGN.md``) and a ``protege <noun> <verb>`` command.
"""

__version__ = "0.1.0"
