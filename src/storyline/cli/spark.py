"""Scale-out commands: ``spark run`` (the pipeline on Spark, to Parquet) and ``import`` (Parquet output
into the SQLite store)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from storyline.cli._common import ConfigOption, DbOption, JsonOption, app, config_from, console, open_store, print_json
from storyline.config import StorylineConfig
from storyline.scale import ImportReport, import_output, run_spark
from storyline.text import count_noun

__all__ = ["spark_app"]

spark_app = typer.Typer(help="Run storyline on Apache Spark (pip install 'storyline\\[spark]'; needs Java).",
                        no_args_is_help=True)
app.add_typer(spark_app, name="spark")

OutputArgument = Annotated[str, typer.Argument(
    metavar="OUTPUT", help="Folder of a Spark run's Parquet tables (local path or hdfs://, s3a://, ... URI).")]


def _print_import(report: ImportReport) -> None:
    line = f"imported {count_noun(report.articles, 'article')}, {count_noun(report.failures, 'failure')}"
    if report.already_stored:
        line += f" ({report.already_stored} already stored)"
    how = "from the Spark run" if report.computed_on_spark else "clustered locally"
    console.print(f"{line}; {len(report.stories)} stories updated ({how})")


@spark_app.command("run")
def spark_run(
    paths: Annotated[list[str], typer.Argument(
        metavar="INPUT... OUTPUT", show_default=False,
        help="Inputs (JSONL, WARC, .txt/.html files or folders, *.parquet record tables; local or hdfs://, "
             "s3a://, ... URIs), then the output folder (overwritten).")],
    master: Annotated[str | None, typer.Option("--master", help="Spark master URL: local[*], local[2], "
                                                                "spark://host:7077, yarn, k8s://... \\[default: "
                                                                "spark-submit's --master, else local[*]]")] = None,
    partitions: Annotated[int | None, typer.Option("--partitions", min=1,
                                                   help="Tasks per stage \\[default: Spark's parallelism].")] = None,
    extract_only: Annotated[bool, typer.Option(
        "--extract-only", help="Stop after extraction (articles and failures); import then clusters locally.")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
    json_output: JsonOption = False,
) -> None:
    """Run the pipeline on INPUTs on Spark; write its Parquet tables to OUTPUT.

Extraction, provenance, stories (clustered in time windows: config section \\[scale]), storylines
and summaries; see docs/spark.md.

    With --db, the output is then imported into that store (as `storyline import`).
    """
    if len(paths) < 2:
        raise typer.BadParameter("give at least one INPUT and the OUTPUT folder", param_hint="INPUT... OUTPUT")
    *inputs, output = paths
    settings: StorylineConfig = config_from(config)
    report = run_spark(inputs, output, master=master, config=settings, partitions=partitions,
                       stories=not extract_only)
    imported = None
    if db is not None:
        with open_store(db, create=True) as store:
            imported = import_output(output, store, settings)
    if json_output:
        print_json({"run": asdict(report), "import": asdict(imported) if imported else None})
        return
    console.print(f"{report.articles} articles, {report.failures} failures, {report.duplicates} duplicates "
                  f"skipped, {report.passage_matches} passage matches, {report.stories} stories, "
                  f"{report.storylines} storylines -> {report.output} ({report.seconds:.1f}s)")
    if imported is not None:
        _print_import(imported)


@app.command("import")
def import_command(
    output: OutputArgument,
    db: DbOption = None,
    config: ConfigOption = None,
    json_output: JsonOption = False,
) -> None:
    """Load a Spark run's Parquet output into the store (its stories as computed; see docs/spark.md)."""
    with open_store(db, create=True) as store:
        report = import_output(output, store, config_from(config))
    if json_output:
        print_json(asdict(report))
    else:
        _print_import(report)
