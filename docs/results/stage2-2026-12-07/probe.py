"""Stage-2 probe: LoRA on the base model + the released heads, trained with the heads' loss."""
import json, random, sys, time
from pathlib import Path
import torch
from peft import LoraConfig, get_peft_model
from protege.contract.io import load_verified
from protege.engine.features import Featurizer
from protege.engine.scorer_predictor import load_heads, spec_of
from protege.models.loading import load_model, load_tokenizer
from protege.train.heads_fit import targets_of, batch_loss, evaluate_heads

torch.set_num_threads(2)
torch.manual_seed(0)
train_path, n_train, rank, lr, step_sources = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
rel = Path("models/liability-gemma-3-270m")
meta = json.loads((rel / "meta.json").read_text())
spec = spec_of(meta)
model = load_model("gemma-3-270m")
tok = load_tokenizer("gemma-3-270m")
deep = max(spec.layers)
cfg = LoraConfig(r=rank, lora_alpha=2 * rank, lora_dropout=0.0,
                 target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
                 layers_to_transform=list(range(deep)))
pm = get_peft_model(model, cfg)
feat = Featurizer(pm.base_model.model, tok, spec)
heads = load_heads(rel)
dev = load_verified(Path("out/dev100.jsonl"))
gen = load_verified(Path("out/gen200.jsonl"))

def ev(name, sources):
    pm.eval()
    read = []
    for at in range(0, len(sources), 4):
        read += feat.read(sources[at:at + 4])
    exs = [targets_of(s, f) for s, f in zip(sources, read)]
    err, rows = evaluate_heads(heads, exs)
    heads.eval()
    print(f"{name}: record error {err:.3f}", flush=True)
    return err

t0 = time.time()
ev("dev before", dev); ev("gen200 before", gen)
print(f"eval {time.time()-t0:.0f}s", flush=True)
train = load_verified(Path(train_path))[:n_train]
train.sort(key=lambda s: len(s.text))
batches = [train[i:i + 4] for i in range(0, len(train), 4)]
random.Random(0).shuffle(batches)
lora = [p for p in pm.parameters() if p.requires_grad]
print("lora params", sum(p.numel() for p in lora), flush=True)
opt = torch.optim.AdamW([{"params": lora, "lr": lr}, {"params": heads.parameters(), "lr": lr / 4}], weight_decay=0.0)
per = step_sources // 4
pm.train(); heads.train()
t0 = time.time(); acc = 0.0
for i, b in enumerate(batches):
    exs = [targets_of(s, f) for s, f in zip(b, feat.read(b, grad=True))]
    loss = batch_loss(heads, exs) / per
    loss.backward()
    acc += loss.item()
    if (i + 1) % per == 0:
        torch.nn.utils.clip_grad_norm_(lora + list(heads.parameters()), 1.0)
        opt.step(); opt.zero_grad(set_to_none=True)
        print(f"step {(i+1)//per} loss {acc:.3f} {time.time()-t0:.0f}s", flush=True)
        acc = 0.0
ev("dev after", dev); ev("gen200 after", gen)
pm.save_pretrained("out/stage2_lora")
torch.save(heads.state_dict(), "out/stage2_heads.pt")
