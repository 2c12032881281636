import json, sys, torch
from protege.contract.io import load_verified
from protege.engine.scorer_predictor import ScorerPredictor
from protege.engine.scorer import CHOICE_KEYS, type_mask
torch.set_num_threads(2)
p = ScorerPredictor(sys.argv[1])
src = {s.id: s for s in load_verified("out/dev100.jsonl")}
key = sys.argv[2]
for sid in sys.argv[3:]:
    s = src[sid]
    (f,) = p.featurizer.read([s])
    with torch.inference_mode():
        logits, tl = p.heads(f.spans, f.doc)
    col = CHOICE_KEYS.index(key)
    probs = torch.softmax(logits.masked_fill(~type_mask(f), float("-inf")), dim=0)[:, col]
    print("==", sid, key, "expected", getattr(s.expected, key), "null", round(float(probs[0]), 3))
    for i, c in enumerate(f.candidates, 1):
        if probs[i] > 0.005 or c.value == getattr(s.expected, key):
            print(f"   {float(probs[i]):.3f} {c.value!s:>12} | {s.text[max(0,c.start-60):c.end+20]!r}")
