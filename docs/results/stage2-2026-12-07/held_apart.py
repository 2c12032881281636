"""Stage 2 on sources the heads were not fitted on: the recipe's run, with stage 2 fed 900
generated sources of seed 3 instead of the training sources."""
import protege.train.scorer as S
from protege.contract.io import load_verified
from protege.train.config import load_config
from pathlib import Path

fresh = load_verified(Path("out/exp/tune_s3.jsonl"))
real_tune = S.tune

def tune_fresh(model, featurizer, heads, lora, settings, train_rows, val_set, seed, started):
    return (yield from real_tune(model, featurizer, heads, lora, settings.model_copy(update={"tune_epochs": 1.0}), fresh, val_set, seed, started))

S.tune = tune_fresh
config = load_config(Path("configs/liability/gemma-3-270m_scorer.yaml"), ["data.train=out/recipe/train.jsonl", "output_dir=out/exp/scorer"])
for e in S.train_scorer(config):
    if e.kind in ("tune", "eval", "done") and (e.kind != "tune" or e.step % 10 == 0):
        print(e.kind, e.step, e.total_steps, e.loss, e.val_loss, round(e.elapsed_s), flush=True)
