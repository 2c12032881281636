"""``tiny-random``: the real Gemma 3 architecture at ~100k parameters, for fast tests.

The tokenizer is a byte-level BPE trained in a fraction of a second by ``tokenizers`` on the
short text below (a few liability sentences and a record), so it has tokens for the digits, JSON
punctuation and record keys a test model emits; any other text still encodes, byte by byte. Weights are random (seeded). It has the same class and
LoRA target names (q/k/v/o/gate/up/down_proj) as the real default model.
"""

from __future__ import annotations

from pathlib import Path

SPECIAL_TOKENS = ["<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>", "<end_of_turn>"]
VOCAB_SIZE = 1024  # an upper bound: the text below yields ~680 tokens; keeps the embedding tiny


# Enough text for a 1,024-token BPE to learn the pieces of prompts and records; not a corpus.
_TEXT = (
    "Source kind: transcript\nAs of: 2025-03-14\n\nAgent: Thanks for calling. Your auto loan "
    "ending in 4417 has a payoff amount of $18,245.60, good through March 24, 2025. The per diem "
    "is $3.12 and the current balance is $18,102.33 at 6.25% interest.",
    "Source kind: statement\nAs of: 2024-11-02\n\nMortgage statement. Account number ****0932. "
    "Next payment due 12/01/2024: $2,104.18. Escrow balance $3,876.40. Past due amount: $0.00.",
    "Source kind: payoff_letter\nAs of: 2026-06-30\n\nRe: personal loan 7781. The amount "
    "required to pay this loan in full is $9,310.05 if received by 07/10/2026.",
    "Source kind: portal\nAs of: 2025-08-19\n\nCredit card ending 5529. Credit limit $12,500. "
    "Minimum payment $45.00 due Sep 12. APR 24.99%. Student loan balance $27,640.12.",
    "Source kind: email\nAs of: 2024-05-07\n\nHi, your student loan payment of $312.77 is due "
    "on the 28th. Nothing is past due. Reply to this email with any questions.",
    "Source kind: chat\nAs of: 2026-01-21\n\nCustomer: what do I owe to pay off my car?\nAgent: "
    "$14,006.90, valid for ten days.",
    "Extract the liability record as compact JSON. null when not stated; dates YYYY-MM-DD.",
    '{"liability_type":"auto_loan","account_last4":"4417","current_balance":18102.33,'
    '"interest_rate":6.25,"next_payment_amount":null,"next_payment_due_date":null,'
    '"past_due_amount":0.0,"payoff_amount":18245.6,"payoff_good_through":"2025-03-24",'
    '"per_diem":3.12,"escrow_balance":null,"credit_limit":null}',
    '{"liability_type":"mortgage","account_last4":"0932","credit_limit":12500.0,'
    '"liability_type":"credit_card","liability_type":"student_loan",'
    '"liability_type":"personal_loan","next_payment_due_date":"2024-12-01"}',
    "0123456789 0 1 2 3 4 5 6 7 8 9 10 11 12 20 24 25 26 30 31 50 99 100 2024 2025 2026",
)


def build_tiny(target: Path) -> Path:
    """Write the tiny-random model and tokenizer to ``target``; return it."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig, PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(_TEXT, trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=bpe,
        pad_token="<pad>",
        eos_token="<eos>",
        bos_token="<bos>",
        unk_token="<unk>",
        additional_special_tokens=["<start_of_turn>", "<end_of_turn>"],
    )
    config = Gemma3TextConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=1,
        head_dim=16,
        max_position_embeddings=4096,
        sliding_window=512,
        layer_types=["sliding_attention", "full_attention"],
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=tokenizer.bos_token_id,
        tie_word_embeddings=True,
    )
    torch.manual_seed(0)
    model = Gemma3ForCausalLM(config)
    target.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(target)
    tokenizer.save_pretrained(target)
    return target
