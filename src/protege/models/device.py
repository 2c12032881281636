"""Where a model runs: ``auto`` (a CUDA GPU when one is visible, else the CPU), ``cpu`` or
``cuda[:N]``, and whether bf16 autocast pays off there.

The same training loop and engine run on both: on a GPU the full recipe (2,000 sources, ~1.0M
tokens) is minutes of work, where this project's 2-core CPUs need hours.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from protege import provenance
from protege.errors import UsageError

if TYPE_CHECKING:
    import torch

DEVICE_PATTERN = r"^(auto|cpu|cuda(:\d+)?)$"
_DEVICE = re.compile(DEVICE_PATTERN)


def resolve_device(setting: str = "auto") -> torch.device:
    """The torch device for a setting; raises UsageError for a GPU that is not there."""
    import torch

    if not _DEVICE.match(setting):
        raise UsageError(f"device {setting!r}: use auto, cpu, cuda or cuda:N")
    if setting == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if setting.startswith("cuda") and not torch.cuda.is_available():
        raise UsageError(
            f"device {setting!r}: no CUDA device is visible to torch {torch.__version__} "
            "(a CPU build, or no GPU); use device=cpu or auto"
        )
    return torch.device(setting)


def native_bf16(device: torch.device) -> bool:
    """Whether bf16 matrix multiplies run in hardware on ``device``."""
    import torch

    if device.type == "cuda":
        return bool(torch.cuda.is_bf16_supported())
    return provenance.cpu_has_native_bf16()


def autocast(device: torch.device, bf16: bool) -> AbstractContextManager[Any]:
    """bf16 autocast on ``device`` when ``bf16``, else nothing."""
    import torch

    return torch.autocast(device.type, dtype=torch.bfloat16) if bf16 else nullcontext()
