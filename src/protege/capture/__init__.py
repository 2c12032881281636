"""Capture: the OpenAI-compatible gateway, the SDK wrappers, the response cache and metrics.

Everything that passes through is logged via ``protege.store.LogWriter``: memory queue, durable
spool, batched inserts, so logging never blocks a request and never loses a record.
"""

from protege.capture.config import GatewayConfig, Route, load_gateway_config

__all__ = ["GatewayConfig", "Route", "load_gateway_config"]
