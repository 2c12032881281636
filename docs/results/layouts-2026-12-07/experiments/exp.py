"""Head variants on cached features: the null option's source (document vector or a constant)."""
from __future__ import annotations
import json, math, random, sys
from pathlib import Path
import torch
from torch import nn
from protege.contract.io import load_verified
from protege.engine.features import FeatureSpec, Featurizer
from protege.engine.scorer import CHOICE_KEYS, TYPE_CLASSES, build_heads
from protege.models.loading import load_model, load_tokenizer
from protege.train.config import load_config
from protege.train.scorer import read_features, targets_of, train_epoch, evaluate_heads, calibrate, split_sources

OUT = Path("out/s20/x"); spec = FeatureSpec((3, 9, 15), 8, 2048)
_fz = None
def featurizer():
    global _fz
    if _fz is None:
        _fz = Featurizer(load_model("gemma-3-270m"), load_tokenizer("gemma-3-270m"), spec)
    return _fz

def feats(name, sources):
    cache = OUT / f"{name}.pt"
    if cache.is_file():
        return torch.load(cache, weights_only=False)
    for _, f in read_features(featurizer(), sources, 4, cache):
        if f: return f

def examples(name, path):
    src = load_verified(path)
    return [targets_of(s, f) for s, f in zip(src, feats(name, src), strict=True)]

def train_examples(run="out/s20/run0", data="out/s20/train0.jsonl"):
    cfg = load_config(Path("configs/liability/gemma-3-270m_scorer.yaml"), [f"data.train={data}", f"output_dir={run}"])
    tr, va = split_sources(cfg)
    f = torch.load(next(Path(run, "features").glob("*.pt")), weights_only=False)
    ex = [targets_of(s, x) for s, x in zip([*tr, *va], f, strict=True)]
    return ex[: len(tr)], ex[len(tr):]

class Heads(nn.Module):
    """null: 'doc' (as shipped), 'bias' (a constant per key), 'mix' (constant + doc term with
    its own dropout)."""
    def __init__(self, cdim, ddim, hidden=256, dropout=0.1, null="doc", doc_drop=0.5, type_drop=0.1):
        super().__init__()
        self.null = null
        self.candidates = nn.Sequential(nn.LayerNorm(cdim), nn.Linear(cdim, hidden), nn.GELU(), nn.Dropout(dropout))
        self.key_scores = nn.Linear(hidden, len(CHOICE_KEYS))
        self.document = nn.Sequential(nn.LayerNorm(ddim), nn.Linear(ddim, hidden), nn.GELU(), nn.Dropout(type_drop))
        self.null_doc = nn.Sequential(nn.Dropout(doc_drop), nn.Linear(hidden, len(CHOICE_KEYS)))
        self.null_bias = nn.Parameter(torch.zeros(len(CHOICE_KEYS)))
        self.type_logits = nn.Linear(hidden, len(TYPE_CLASSES))
    def forward(self, spans, doc):
        lg, tl = self.batch([spans], doc[None]); return lg[0, : 1 + len(spans)], tl[0]
    def batch(self, spans, docs):
        counts = [len(s) for s in spans]
        document = self.document(docs)
        logits = docs.new_full((len(counts), 1 + max(counts), len(CHOICE_KEYS)), -math.inf)
        null = self.null_bias.expand(len(counts), -1)
        if self.null in ("doc", "mix"):
            null = null + self.null_doc(document if self.null == "mix" else document)
        logits[:, 0] = null
        if sum(counts):
            scores = self.key_scores(self.candidates(torch.cat(list(spans))))
            rows = torch.repeat_interleave(torch.arange(len(counts)), torch.tensor(counts))
            slots = torch.cat([torch.arange(1, 1 + c) for c in counts])
            logits[rows, slots] = scores
        return logits, self.type_logits(document)

def fit(train, val, *, epochs=30, bs=16, lr=1e-3, wd=0.01, seed=1, log=False, **kw):
    torch.manual_seed(seed)
    d0 = train[0].features
    heads = Heads(d0.spans.shape[1], d0.doc.shape[0], **kw)
    opt = torch.optim.AdamW(heads.parameters(), lr=lr, weight_decay=wd)
    rng = random.Random(seed); best = (2.0, 0, None)
    for ep in range(1, epochs + 1):
        train_epoch(heads, opt, train, bs, rng)
        err, _ = evaluate_heads(heads, val)
        if err < best[0]: best = (err, ep, {k: v.clone() for k, v in heads.state_dict().items()})
    heads.load_state_dict(best[2]); heads.eval()
    return heads, best[0], best[1]

def report(name, heads, val, sets, target=0.97):
    thr, acc, cov = calibrate(evaluate_heads(heads, val)[1], target)
    out = {"name": name, "thr": round(thr, 4), "val_cov": round(cov, 3)}
    for sname, ex in sets.items():
        err, rows = evaluate_heads(heads, ex)
        cleared = [r for r in rows if r[1] >= thr]
        out[sname] = {"err": round(err, 4), "cov": round(len(cleared) / len(rows), 3),
                      "acc": round(sum(r[0] for r in cleared) / max(1, len(cleared)), 4)}
    print(json.dumps(out), flush=True); return out

if __name__ == "__main__":
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    if sys.argv[1] == "read":
        examples("dev100", "out/s20/dev100.jsonl"); examples("gen500", "out/s20/gen500.jsonl"); sys.exit()
    train, val = train_examples()
    sets = {"dev": examples("dev100", "out/s20/dev100.jsonl"), "gen": examples("gen500", "out/s20/gen500.jsonl")}
    for variant in sys.argv[1].split(";"):
        kw = json.loads(variant)
        seed = kw.pop("seed", 1)
        h, verr, ep = fit(train, val, seed=seed, **kw)
        report(f"{variant} val={verr:.3f}@{ep}", h, val, sets)

def subset_run(frac, seed=1):
    train, val = train_examples()
    sets = {"dev": examples("dev100", "out/s20/dev100.jsonl"), "gen": examples("gen500", "out/s20/gen500.jsonl")}
    import random as _r
    rows = list(train); _r.Random(seed).shuffle(rows); rows = rows[: int(len(rows) * frac)]
    h, verr, ep = fit(rows, val, seed=seed, null="doc")
    report(f"frac={frac} seed={seed} val={verr:.3f}@{ep}", h, val, sets)
