import sys; sys.path.insert(0, "out/s19/x")
from exp import *
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
K = int(sys.argv[1])
tr, va = train_examples()
sets = {"dev": examples("dev100", "out/s19/dev100.jsonl"), "gen": examples("gen500", "out/s19/gen500.jsonl")}
probs = {"val": [], "dev": [], "gen": []}
for seed in range(1, K + 1):
    t = time.time()
    heads, err, ep = fit(tr, va, epochs=20, seed=seed)
    torch.save(heads.state_dict(), f"out/s19/x/heads_s{seed}.pt")
    print("member", seed, "val", err, "epoch", ep, "fit_s", round(time.time() - t), flush=True)
    probs["val"].append(member_probs(heads, va))
    for k, ex in sets.items(): probs[k].append(member_probs(heads, ex))
    for n in sorted({1, seed}):
        sub = {k: v[:n] if n == seed else v[seed-1:seed] for k, v in probs.items()}
        name = f"ens{n}" if n == seed else f"single{seed}"
        _, vrows = ens_eval(sub["val"], va)
        res = {"name": name}
        for target in (0.97, 0.99, 1.0):
            thr, acc, cov = calibrate(vrows, target)
            r = {"thr": round(thr, 4), "val_cov": round(cov, 3)}
            for k, ex in sets.items():
                err, rows = ens_eval(sub[k], ex)
                cl = [x for x in rows if x[1] >= thr]
                r[k] = [round(err, 4), round(len(cl) / len(rows), 3), round(sum(x[0] for x in cl) / max(1, len(cl)), 4)]
            res[str(target)] = r
        print(json.dumps(res), flush=True)
torch.save(probs, "out/s19/x/probs.pt")
