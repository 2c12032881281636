"""LoRA fine-tuning: YAML config -> builders -> one visible loop -> adapter + meta.json."""

from protege.train.config import TrainConfig, load_config
from protege.train.loop import TrainEvent, train

__all__ = ["TrainConfig", "TrainEvent", "load_config", "train"]
