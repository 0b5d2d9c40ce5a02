"""The routing service: a FastAPI application (``service.app.create_app``) that triages claims for
the intake system, queues doubtful ones for clerks, keeps their decisions and shows auditors how
the model does against them. Only anonymized text is ever stored."""
