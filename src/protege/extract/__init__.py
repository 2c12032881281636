"""The liability extraction workflow as a service: deadline, plausibility checks, fallback and
logging (``service``, ``checks``), and the app ``protege serve`` runs (``app``)."""
