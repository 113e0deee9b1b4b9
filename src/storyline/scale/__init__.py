"""Scale-out: the same stages on Apache Spark, and the way back into the SQLite store.

``rows`` defines the Parquet tables (plain Python, no Spark needed); ``spark`` runs the readers and
extraction of the local pipeline inside Spark tasks (pyspark, an optional extra); ``load`` imports
the Parquet output into a Store (pyarrow). See docs/spark.md.
"""

from storyline.scale.load import ImportReport, import_output
from storyline.scale.rows import (
    ARTICLE_COLUMNS,
    FAILURE_COLUMNS,
    TABLES,
    article_row,
    failure_row,
    row_article,
    row_failure,
)
from storyline.scale.spark import SparkRunReport, run_spark, spark_session

__all__ = [
    "ARTICLE_COLUMNS",
    "FAILURE_COLUMNS",
    "TABLES",
    "ImportReport",
    "SparkRunReport",
    "article_row",
    "failure_row",
    "import_output",
    "row_article",
    "row_failure",
    "run_spark",
    "spark_session",
]
