"""A real forward proxy for the gateway's proxy tests: pproxy (HTTP, with CONNECT), run as its
own process. ``python tests/proxy_server.py -l http://127.0.0.1:PORT/#user:pass -v --auth 0``:
its arguments are pproxy's; ``-v`` prints one line per proxied connection (``http A -> B``).
"""

import asyncio
import sys

# pproxy installs uvloop when it can, then asks for the current loop the way current uvloop no
# longer allows: it runs on asyncio's own loop here.
sys.modules["uvloop"] = None  # type: ignore[assignment]
asyncio.set_event_loop(asyncio.new_event_loop())

from pproxy.server import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
