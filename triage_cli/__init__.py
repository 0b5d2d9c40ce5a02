"""The ``claims-triage`` command line: thin commands over the ``claims`` library."""
