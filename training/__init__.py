"""Training of the product's models: the PII tagger (and, later, the triage classifier and baselines)."""
