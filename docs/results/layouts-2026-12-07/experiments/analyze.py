"""Per-key error analysis of predictions against a verified set."""
import json, sys
from collections import Counter
sys.path.insert(0, "src")
from protege.contract.normalize import normalize_value
from protege.contract.record import RECORD_KEYS
gold = {json.loads(l)["id"]: json.loads(l) for l in open(sys.argv[1])}
preds = [json.loads(l) for l in open(sys.argv[2])]
kinds = Counter(); errs = Counter(); typ = Counter(); rec_err = Counter(); n_kind = Counter()
verbose = len(sys.argv) > 3
for p in preds:
    g = gold[p["id"]]; out = json.loads(p["output"]); bad = []
    for k in RECORD_KEYS:
        e, v = g["expected"][k], out.get(k)
        if normalize_value(k, e) != normalize_value(k, v):
            t = "null_pred" if v is None else ("spurious" if e is None else "wrong")
            errs[k] += 1; typ[(k, t)] += 1; bad.append((k, e, v, p.get("confidence", {}).get(k)))
    n_kind[g["kind"]] += 1
    if bad:
        rec_err[g["kind"]] += 1
        if verbose: print(p["id"], g["kind"], bad)
print("records wrong", sum(rec_err.values()), "of", len(preds))
for k in n_kind: print(f"  {k:14s} {rec_err[k]}/{n_kind[k]}")
for k in RECORD_KEYS:
    if errs[k]: print(f"{k:22s} {errs[k]:3d}  " + " ".join(f"{t}={typ[(k,t)]}" for t in ("wrong","null_pred","spurious") if typ[(k,t)]))
