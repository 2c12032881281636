"""In-process inference: the predictor interface, the transformers engine (a base model with an
adapter merged in), and constrained decoding (the output vocabulary and the record grammar)."""
