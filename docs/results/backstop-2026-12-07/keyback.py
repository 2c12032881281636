import json, sys
sys.path.insert(0,'src')
from protege.contract.normalize import normalize_value
from protege.contract.record import RECORD_KEYS
def load(p): return {json.loads(l)["id"]: json.loads(l) for l in open(p)}
sets = {"777": ("out/gen300_777.jsonl","out/pred_777.jsonl","out/regex_777.jsonl"),
        "gen500": ("out/gen500.jsonl","out/pred_gen.jsonl","out/regex_gen.jsonl"),
        "dev": ("out/dev100.jsonl","out/pred_dev.jsonl","out/regex_dev.jsonl")}
data = {n: (load(a), load(b), load(c)) for n,(a,b,c) in sets.items()}
def keygain(name, key, t):
    G,S,R = data[name]; d=0
    for i,g in G.items():
        so=json.loads(S[i]["output"]); ro=json.loads(R[i]["output"])
        conf=S[i].get("confidence",{}).get(key,1)
        e=normalize_value(key,g["expected"][key])
        s=normalize_value(key,so.get(key)); r=normalize_value(key,ro.get(key))
        if conf < t and ro.get(key) is not None:
            d += (r==e) - (s==e)
    return d
for key in RECORD_KEYS:
    row=[]
    for t in (0.5,0.6,0.7,0.8,0.9):
        row.append((t, keygain("777",key,t), keygain("gen500",key,t), keygain("dev",key,t)))
    print(key, row)
print("---- record level, all keys backed at one threshold (type always at 0.8)")
def records(name, t):
    G,S,R = data[name]; wrong=0
    for i,g in G.items():
        so=json.loads(S[i]["output"]); ro=json.loads(R[i]["output"]); conf=S[i].get("confidence",{})
        out=dict(so)
        for key in RECORD_KEYS:
            tk = 0.8 if key=="liability_type" else t
            if conf.get(key,1) < tk and ro.get(key) is not None: out[key]=ro[key]
        wrong += any(normalize_value(k,out.get(k))!=normalize_value(k,g["expected"][k]) for k in RECORD_KEYS)
    return wrong
for t in (0.0,0.5,0.6,0.7,0.8,0.9):
    print(t, "777", records("777",t), "/300  gen500", records("gen500",t), "/500  dev", records("dev",t), "/100")
