import sys; sys.path.insert(0, "out/s19/x")
from exp import *
from protege.engine.scorer_predictor import load_heads
torch.set_num_threads(1)
tr, va = train_examples()
heads = load_heads(Path("models/liability-gemma-3-270m"))
_, rows = evaluate_heads(heads, va)
for t in (0.97, 0.98, 0.99, 0.995, 1.0):
    print(t, calibrate(rows, t))
