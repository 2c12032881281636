"""Does a bag of product words beside the document vector fix liability_type? Fit on run1's cache."""
import json, math, re, sys, torch
sys.path.insert(0, "out/s20"); torch.set_num_threads(2)
import exp
from dataclasses import replace
LEX = {
 "mortgage": r"mortgage|escrow|home loan|homeowner|property tax|hazard insurance|deed|refinanc",
 "auto": r"\bauto\b|\bcar\b|vehicle|\bvin\b|dealer|\btitle\b|truck|motor",
 "student": r"student|education|tuition|school|campus|deferment|forbearance|federal loan",
 "card": r"credit card|\bcard\b|\bapr\b|credit limit|minimum payment|statement balance|available credit|cash advance",
 "personal": r"personal loan|installment loan|unsecured|personal line",
}
PATS = {k: re.compile(v, re.I) for k, v in LEX.items()}
def kw(text):
    return torch.tensor([math.log1p(len(p.findall(text))) for p in PATS.values()], dtype=torch.float32)
def add(examples, scale):
    out = []
    for e in examples:
        f = e.features
        out.append(replace(e, features=replace(f, doc=torch.cat([f.doc, scale * kw(e.source.text)]))))
    return out
train, val = exp.train_examples("out/s20/run1", "out/s20/train1.jsonl")
dev = exp.examples("dev100b", "out/s20/dev100.jsonl")  # run1 features are the same model: reuse dev read
gen = exp.examples("gen500b", "out/s20/gen500b.jsonl")
for scale in (0.0, 1.0):
    tr, va, sets = add(train, scale), add(val, scale), {"dev": add(dev, scale), "gen": add(gen, scale)}
    h, verr, ep = exp.fit(tr, va, null="doc")
    exp.report(f"kw scale={scale} val={verr:.3f}@{ep}", h, va, sets)
