"""Seed spread and logit-averaged ensembles of the scorer's heads, on cached features."""
from __future__ import annotations
import json, random, sys
from pathlib import Path
import torch
from protege.contract.io import load_verified
from protege.engine.features import FeatureSpec, Featurizer
from protege.engine.scorer import build_heads
from protege.models.loading import load_model, load_tokenizer
from protege.train.config import load_config
from protege.train.scorer import read_features, targets_of, train_epoch, evaluate_heads, split_sources

RUN = Path(sys.argv[1]); TRAIN = sys.argv[2]
torch.set_num_threads(2)
cfg = load_config(Path("configs/liability/gemma-3-270m_scorer.yaml"), [f"data.train={TRAIN}", f"output_dir={RUN}"])
st = cfg.scorer
spec = FeatureSpec(tuple(st.layers), st.window, st.max_tokens, st.far_window)
tr, va = split_sources(cfg)
f = torch.load(next((RUN / "features").glob("*.pt")), weights_only=False)
ex = [targets_of(s, x) for s, x in zip([*tr, *va], f, strict=True)]
train, val = ex[: len(tr)], ex[len(tr):]
_fz = None
def feats(name, path):
    global _fz
    cache = RUN.parent / f"x_{name}.pt"
    src = load_verified(path)
    if not cache.is_file():
        _fz = _fz or Featurizer(load_model(cfg.model), load_tokenizer(cfg.model), spec)
        for _, got in read_features(_fz, src, 4, cache):
            pass
    fs = torch.load(cache, weights_only=False)
    return [targets_of(s, x) for s, x in zip(src, fs, strict=True)]
sets = {"dev": feats("dev100", "out/dev100.jsonl"), "gen": feats("gen500", sys.argv[3])}
hidden = f[0].spans.shape[1]
def fit(seed, dropout=st.dropout, hid=st.hidden, wd=st.weight_decay, epochs=st.epochs):
    torch.manual_seed(seed)
    h = build_heads(train[0].features.spans.shape[1], train[0].features.doc.shape[0], hid, dropout)
    opt = torch.optim.AdamW(h.parameters(), lr=st.lr, weight_decay=wd)
    rng = random.Random(seed); best = (2.0, 0, None)
    for ep in range(1, epochs + 1):
        train_epoch(h, opt, train, st.batch_size, rng)
        err, _ = evaluate_heads(h, val)
        if err < best[0]: best = (err, ep, {k: v.clone() for k, v in h.state_dict().items()})
    h.load_state_dict(best[2]); h.eval(); return h, best
class Ens(torch.nn.Module):
    def __init__(self, hs): super().__init__(); self.hs = torch.nn.ModuleList(hs)
    def batch(self, spans, docs):
        outs = [h.batch(spans, docs) for h in self.hs]
        return torch.stack([o[0] for o in outs]).mean(0), torch.stack([o[1] for o in outs]).mean(0)
def rep(name, h):
    out = {"name": name}
    for k, v in sets.items():
        out[k] = round(evaluate_heads(h, v)[0], 4)
    print(json.dumps(out), flush=True)
variant = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
hs = []
for seed in range(1, 6):
    h, best = fit(seed, **variant); hs.append(h)
    rep(f"{variant} seed {seed} val {best[0]:.3f}@{best[1]}", h)
rep(f"{variant} ens3", Ens(hs[:3])); rep(f"{variant} ens5", Ens(hs))
