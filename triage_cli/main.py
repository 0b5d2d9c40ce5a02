"""Entry point of ``claims-triage``: gathers the sub-command groups."""

from __future__ import annotations

import logging

import typer

from triage_cli import anonymize, compare, data, encoder, evaluate, score, serve, train, train_pii

app = typer.Typer(
    name="claims-triage",
    help="Triage insurance claim reports: validate, anonymize, train, evaluate, score, and run the routing service.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(data.app, name="data")
app.add_typer(encoder.app, name="encoder")
app.command("anonymize")(anonymize.anonymize)
app.command("anonymize-eval")(anonymize.anonymize_eval)
app.command("train-pii")(train_pii.train_pii)
app.command("train")(train.train)
app.command("score")(score.score)
app.command("evaluate")(evaluate.evaluate)
app.command("compare")(compare.compare)
app.command("serve")(serve.serve)
app.add_typer(serve.keys_app, name="keys")
app.add_typer(serve.db_app, name="db")


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details.")) -> None:
    """Claims triage command line."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


if __name__ == "__main__":
    app()
