import sys; sys.path.insert(0, "out/s19/x")
from exp import *
from protege.engine.scorer import choose
from protege.contract.normalize import normalize_value
torch.set_num_threads(1)
tr, va = train_examples()
dev = examples("dev100", "out/s19/dev100.jsonl"); gen = examples("gen500", "out/s19/gen500.jsonl")
d0 = dev[0].features
def decisions(heads, exs):
    out = []
    for e in exs:
        with torch.inference_mode():
            lg, tl = heads(e.features.spans, e.features.doc)
        c = choose(lg, tl, e.features)
        out.append({k: (normalize_value(k, v) == normalize_value(k, getattr(e.source.expected, k)), c.confidence[k]) for k, v in c.record.items()})
    return out
def key_thresholds(dec, target):
    th = {}
    for k in dec[0]:
        rows = sorted([d[k] for d in dec], key=lambda r: -r[1])
        best, right = 1.0 + 1e-9, 0
        for n, (ok, c) in enumerate(rows, 1):
            right += ok
            if right / n >= target and (n == len(rows) or rows[n][1] != c): best = c
        th[k] = best
    return th
for s in sys.argv[1:]:
    heads = build_heads(d0.spans.shape[1], d0.doc.shape[0], 256, 0.1)
    heads.load_state_dict(torch.load(f"out/s19/x/heads_s{s}.pt")); heads.eval()
    dv, dd, dg = decisions(heads, va), decisions(heads, dev), decisions(heads, gen)
    for target in (0.99, 0.995, 0.999, 1.0):
        th = key_thresholds(dv, target)
        res = {}
        for name, dec in (("val", dv), ("dev", dd), ("gen", dg)):
            cl = [d for d in dec if all(d[k][1] >= th[k] for k in th)]
            res[name] = [round(len(cl) / len(dec), 2), round(sum(all(x[0] for x in d.values()) for d in cl) / max(1, len(cl)), 3)]
        print(s, target, {k: round(v, 3) for k, v in th.items()}, res, flush=True)
