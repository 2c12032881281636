"""Keep the gateway's log writer from preempting its event loop.

The gateway process runs two busy threads: the event loop (uvicorn, which also drives the
upstream connections: ``protege.capture.http1``) and the log writer. On a machine with a core
per thread this changes nothing. When they share a core, Linux switches to a thread the moment it
wakes up: a helper thread that wakes preempts the loop in the middle of its Python work, then
waits for the GIL the loop still holds. Measured on one core with an upstream client that has an
I/O thread of its own (docs/results/capture-2026-11): ~2 context switches per request.

``SCHED_BATCH`` is the Linux policy for exactly this: a batch thread that wakes up does not preempt
the running one; it runs when the loop waits for I/O or its time slice ends, and then handles
everything that arrived meanwhile. It is otherwise an ordinary time-sharing policy (same nice
value, same share of the CPU), and needs no privilege. With the helpers as batch threads, the same
load made ~0.1 context switches per request.
"""

from __future__ import annotations

import contextlib
import os


def make_batch(native_ids: list[int]) -> list[int]:
    """Put these threads under ``SCHED_BATCH``; return the ids it was applied to (none where
    the platform lacks the policy or refuses it: the gateway works the same, only slower on
    a shared core)."""
    policy = getattr(os, "SCHED_BATCH", None)
    if policy is None:
        return []
    done = []
    for native_id in native_ids:
        with contextlib.suppress(OSError):
            os.sched_setscheduler(native_id, policy, os.sched_param(0))
            done.append(native_id)
    return done


def is_batch(native_id: int) -> bool:
    """Whether the thread runs under ``SCHED_BATCH``."""
    policy = getattr(os, "SCHED_BATCH", None)
    return policy is not None and os.sched_getscheduler(native_id) == policy
