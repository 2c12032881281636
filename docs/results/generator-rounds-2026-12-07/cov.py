import json, sys
from protege.contract.io import load_verified
from protege.contract.scoring import score
gold = load_verified(sys.argv[1]); preds = [json.loads(l) for l in open(sys.argv[2])]
thr = float(sys.argv[3])
rep = score(gold, {p["id"]: p["output"] for p in preds})
right = {r.id: (not r.wrong_keys and r.valid) for r in rep.rows}
low = {p["id"]: min(p["confidence"].values()) for p in preds}
for t in [thr, 0.9, 0.95, 0.98, 0.99]:
    acc = [right[i] for i in low if low[i] >= t]
    print(f"thr {t:.3f}: coverage {len(acc)/len(low):.2f} right {sum(acc)/max(1,len(acc)):.3f}")
