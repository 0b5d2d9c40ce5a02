"""Claims triage domain library: taxonomy, claim records and files, validation, the offline
encoder. Heavy dependencies (torch, transformers) are imported only by the modules that need them,
so ``import claims`` and the taxonomy stay instant."""

__version__ = "0.1.0"
