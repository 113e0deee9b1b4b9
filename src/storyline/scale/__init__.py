"""Scale-out: the same stages on Apache Spark, and the way back into the SQLite store.

``rows`` defines the Parquet tables (plain Python, no Spark needed); ``spark`` runs the readers and
extraction of the local pipeline inside Spark tasks (pyspark, an optional extra), ``provenance``
the provenance stage as a join on LSH band keys, ``stories`` windowed clustering, storyline
linking and summaries; ``load`` imports the Parquet output into a Store (pyarrow);
``equivalence`` measures how close a Spark run is to the local pipeline. See docs/spark.md.
"""

from storyline.scale.equivalence import Equivalence, compare_stores
from storyline.scale.load import ImportReport, import_output
from storyline.scale.provenance import spark_provenance
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
from storyline.scale.stories import spark_stories

__all__ = [
    "ARTICLE_COLUMNS",
    "FAILURE_COLUMNS",
    "TABLES",
    "Equivalence",
    "ImportReport",
    "SparkRunReport",
    "article_row",
    "compare_stores",
    "failure_row",
    "import_output",
    "row_article",
    "row_failure",
    "run_spark",
    "spark_provenance",
    "spark_session",
    "spark_stories",
]
