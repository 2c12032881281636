import sys, torch
sys.path.insert(0, "out/s20")
torch.set_num_threads(2)
import exp
for frac in (0.25, 0.5):
    exp.subset_run(frac)
