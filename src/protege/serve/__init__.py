"""OpenAI-compatible serving of the students: the configuration (``config``), the models and
their dynamic batching (``pool``), chat completions (``chat``) and the endpoints (``app``)."""
