"""Dump each key's option probabilities for chosen dev sources."""
import json, sys, torch
sys.path.insert(0, "src")
from protege.engine.scorer_predictor import ScorerPredictor
from protege.engine.scorer import CHOICE_KEYS, type_mask
from protege.contract.record import Source
model = sys.argv[1]; ids = sys.argv[2].split(","); keys = sys.argv[3].split(",")
p = ScorerPredictor(model)
rows = {json.loads(l)["id"]: json.loads(l) for l in open("out/s20/dev100.jsonl")}
for i in ids:
    r = rows[i]; src = Source.model_validate({k: r[k] for k in ("id","kind","as_of","text")})
    f = p.featurizer.read([src])[0]
    with torch.inference_mode():
        logits, tl = p.heads(f.spans, f.doc)
    probs = torch.softmax(logits.masked_fill(~type_mask(f), float("-inf")), 0)
    for key in keys:
        c = CHOICE_KEYS.index(key); print(i, key, "expected", r["expected"][key], "null", round(float(probs[0,c]),3))
        for j, cand in enumerate(f.candidates, 1):
            if probs[j,c] > 0.01 or (type_mask(f)[j,c] and len([x for x in f.candidates])<0):
                print("   ", cand.value, round(float(probs[j,c]),3), repr(r["text"][max(0,cand.start-40):cand.end+10]))
