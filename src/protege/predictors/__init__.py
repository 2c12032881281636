"""The predictor registry: which predictor a model spec (what users type after ``--model``)
names. ``evaluate`` and the CLI load every model through ``load_predictor``.

- ``regex``: the rule-based baseline (``protege.baseline``);
- a registry name (``gemma-3-270m``) or a local Hugging Face directory: the base model,
  prompted zero-shot, in the in-process engine;
- an adapter directory (``adapter_config.json`` + ``meta.json``): the base model it was trained
  from with the LoRA adapter merged in;
- a scorer directory (``heads.safetensors`` + ``meta.json`` of kind ``scorer``): the candidate
  scorer (``protege.engine.scorer``), with the baseline backing its unsure values when its
  ``meta.json`` has a ``backstop`` (``protege.predictors.backstop``);
- a released model's name (``liability-gemma-3-270m``, see ``protege.models.released``): the
  adapter or scorer directory it names;
- ``MODEL@BASE_URL[,key=VAR][,self-hosted]``: any OpenAI-compatible endpoint
  (``protege.predictors.remote``): the teacher, or a running ``protege serve``.
"""

from __future__ import annotations

from protege.engine.predictor import Prediction, Predictor
from protege.predictors.regex import RegexPredictor

__all__ = ["Prediction", "Predictor", "RegexPredictor", "load_predictor"]


def load_predictor(spec: str, max_new_tokens: int = 256, grounding: bool = True) -> Predictor:
    """The predictor for a model spec (see the module docstring). ``grounding``: a model's
    values are restricted to those the source states (``protege.engine.grounding``)."""
    if spec == RegexPredictor.name:
        return RegexPredictor()
    from protege.predictors.remote import RemotePredictor, is_remote_spec

    if is_remote_spec(spec):
        return RemotePredictor(spec)  # named by its model: an API is priced by that name
    from pathlib import Path

    from protege.engine.scorer_predictor import ScorerPredictor, is_scorer_dir
    from protege.models.released import released

    named = released(spec)
    path = str(named.path) if named else spec
    predictor: Predictor
    if is_scorer_dir(Path(path).expanduser()):
        scorer = ScorerPredictor(path)  # grounded by construction: grounding adds nothing
        backstop = scorer.meta.get("backstop")
        predictor = scorer
        if backstop is not None:  # protege.predictors.backstop
            from protege.predictors.backstop import Backstop

            predictor = Backstop(scorer, float(backstop["threshold"]))
    else:
        from protege.engine.hf import HFPredictor  # torch and transformers load when needed

        predictor = HFPredictor(path, max_new_tokens=max_new_tokens, grounding=grounding)
    predictor.name = spec  # reports name the model as the user did
    return predictor
