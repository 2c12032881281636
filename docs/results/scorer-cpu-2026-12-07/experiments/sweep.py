import sys; sys.path.insert(0, "out/s19/x")
from exp import *
torch.set_num_threads(2)
tr, va = train_examples()
sets = {"dev": examples("dev100", "out/s19/dev100.jsonl"), "gen": examples("gen500", "out/s19/gen500.jsonl")}
variants = json.loads(sys.argv[1])
for v in variants:
    t = time.time()
    heads, err, ep = fit(tr, va, **{k: x for k, x in v.items() if k != "name"})
    res = {"v": v, "val": round(err, 4), "ep": ep, "s": round(time.time() - t)}
    _, vrows = evaluate_heads(heads, va)
    for target in (0.97, 0.99):
        thr, acc, cov = calibrate(vrows, target)
        r = {"thr": round(thr, 3)}
        for k, ex in sets.items():
            e2, rows = evaluate_heads(heads, ex)
            cl = [x for x in rows if x[1] >= thr]
            r[k] = [round(e2, 3), round(len(cl) / len(rows), 2), round(sum(x[0] for x in cl) / max(1, len(cl)), 3)]
        res[str(target)] = r
    print(json.dumps(res), flush=True)
