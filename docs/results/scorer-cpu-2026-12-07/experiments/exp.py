"""Head experiments on cached features: train variants, eval on gen500/dev100, coverage."""
from __future__ import annotations
import json, random, sys, time
from pathlib import Path
import torch
from protege.contract.io import load_verified
from protege.engine.features import FeatureSpec, Featurizer
from protege.engine.scorer import build_heads
from protege.models.loading import load_model, load_tokenizer
from protege.train.scorer import read_features, targets_of, train_epoch, evaluate_heads, calibrate

OUT = Path("out/s19/x")
spec = FeatureSpec((3, 9, 15), 8, 2048)

def feats(name, sources, featurizer=None):
    cache = OUT / f"{name}.pt"
    if cache.is_file():
        return torch.load(cache, weights_only=False)
    featurizer = featurizer or Featurizer(load_model("gemma-3-270m"), load_tokenizer("gemma-3-270m"), spec)
    for _, f in read_features(featurizer, sources, 4, cache):
        if f: return f

def examples(name, path):
    src = load_verified(path)
    return [targets_of(s, f) for s, f in zip(src, feats(name, src), strict=True)]

def train_examples():
    from protege.train.config import load_config
    from protege.train.loop import split_validation
    from protege.train.scorer import training_sources
    cfg = load_config(Path("configs/liability/gemma-3-270m_scorer.yaml"), ["data.train=out/s19/train.jsonl", "output_dir=out/s19/run1"])
    src = training_sources(cfg.data.train)
    tr, va = split_validation(cfg, src, training_sources)
    cache = next(Path("out/s19/run1/features").glob("*.pt"))
    f = torch.load(cache, weights_only=False)
    ex = [targets_of(s, x) for s, x in zip([*tr, *va], f, strict=True)]
    return ex[: len(tr)], ex[len(tr):]

def fit(train, val, *, hidden=256, dropout=0.1, epochs=30, bs=16, lr=1e-3, wd=0.01, seed=1, log=False):
    torch.manual_seed(seed)
    d0 = train[0].features
    heads = build_heads(d0.spans.shape[1], d0.doc.shape[0], hidden, dropout)
    opt = torch.optim.AdamW(heads.parameters(), lr=lr, weight_decay=wd)
    rng = random.Random(seed)
    best = (2.0, 0, None)
    for ep in range(1, epochs + 1):
        loss = train_epoch(heads, opt, train, bs, rng)
        err, _ = evaluate_heads(heads, val)
        if log: print(ep, round(loss, 4), round(err, 4), flush=True)
        if err < best[0]:
            best = (err, ep, {k: v.clone() for k, v in heads.state_dict().items()})
    heads.load_state_dict(best[2]); heads.eval()
    return heads, best[0], best[1]

def report(name, heads, val, sets, target=0.97):
    thr, acc, cov = calibrate(evaluate_heads(heads, val)[1], target)
    out = {"name": name, "thr": round(thr, 4), "val_cov": round(cov, 3)}
    for sname, ex in sets.items():
        err, rows = evaluate_heads(heads, ex)
        cleared = [r for r in rows if r[1] >= thr]
        out[sname] = {"err": round(err, 4), "cov": round(len(cleared) / len(rows), 3),
                      "acc_cleared": round(sum(r[0] for r in cleared) / max(1, len(cleared)), 4)}
    print(json.dumps(out), flush=True)
    return out

def member_probs(heads, examples):
    """Per example: (probs [1+C, K] masked softmax, type probs [T])."""
    out = []
    with torch.inference_mode():
        for at in range(0, len(examples), 64):
            chunk = examples[at: at + 64]
            lg, tl = heads.batch([e.features.spans for e in chunk], torch.stack([e.features.doc for e in chunk]))
            for r, e in enumerate(chunk):
                n = 1 + len(e.features.candidates)
                p = torch.softmax(lg[r, :n].masked_fill(~e.allowed, float("-inf")), 0)
                out.append((p, torch.softmax(tl[r], 0)))
    return out

def ens_eval(members_probs, examples):
    """record error and rows (right, min conf) for an ensemble given each member's probs."""
    from protege.engine.scorer import choose
    from protege.contract.scoring import score
    outputs, lowest = {}, {}
    for i, e in enumerate(examples):
        p = torch.stack([m[i][0] for m in members_probs]).mean(0)
        t = torch.stack([m[i][1] for m in members_probs]).mean(0)
        c = choose(torch.log(p), torch.log(t), e.features)
        outputs[e.source.id] = c.output; lowest[e.source.id] = min(c.confidence.values())
    rep = score([e.source for e in examples], outputs)
    rows = [(not r.wrong_keys and r.valid, lowest[r.id]) for r in rep.rows]
    return rep.overall.record_error_rate, rows
