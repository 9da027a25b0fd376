"""The one Spark session of a runner process (dbt-spark's `method: session` reuses it).

A session started here is pinned to one instance folder:

```
OUT/warehouse/spark/warehouse/     spark.sql.warehouse.dir: the tables' Parquet files
OUT/warehouse/spark/metastore_db/  the embedded Derby metastore (one process at a time)
OUT/warehouse/spark/derby.log
```

Derby allows one process per metastore, so a second runner on the same folder
cannot start its session (and the run lock of OUT/ keeps it from trying). A
session that already exists in the process (the test suite's shared one, a
notebook, Databricks) is reused as it is: the database prefix
(JUVONNO_DQ_SPARK_SCHEMA) then keeps instances apart.

JUVONNO_DQ_SPARK_MASTER picks the master (default `local[2]`; a cluster's
`spark://host:7077` or `yarn` work the same way, given a shared metastore).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

LOG4J2_CONFIG = Path(__file__).with_name("spark-log4j2.properties")
ENV_MASTER = "JUVONNO_DQ_SPARK_MASTER"
DEFAULT_MASTER = "local[2]"

# Spark settings every session of ours has. ANSI off as dbt-spark sets it in its
# sessions (so the loader and dbt see one behaviour); UTC so a date never shifts.
BASE_CONF = {
    "spark.sql.ansi.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": os.environ.get("JUVONNO_DQ_SPARK_SHUFFLE_PARTITIONS", "2"),
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.sources.partitionOverwriteMode": "dynamic",
    "spark.sql.legacy.createHiveTableByDefault": "false",
}


def instance_dir(out: Path) -> Path:
    return Path(out).resolve() / "warehouse" / "spark"


def get_session(home: Path, master: str | None = None) -> Any:
    """The process's session: the active one, else a new one pinned to `home`."""
    import warnings

    # pyspark warns on import that it does not yet support pandas 3 (we pass it no pandas)
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"pyspark\..*")
    from pyspark.sql import SparkSession

    existing = SparkSession.getActiveSession()
    if existing is not None:
        return existing
    home = Path(home).resolve()
    home.mkdir(parents=True, exist_ok=True)
    derby = home / "metastore_db"
    builder = (
        SparkSession.builder.appName("juvonno-dq")
        .master(master or os.environ.get(ENV_MASTER) or DEFAULT_MASTER)
        .config("spark.sql.warehouse.dir", str(home / "warehouse"))
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={derby};create=true",
        )
        .config(
            "spark.driver.extraJavaOptions",
            f"-Dderby.system.home={home} -Dderby.stream.error.file={home / 'derby.log'} "
            f"-Dlog4j2.configurationFile=file:{LOG4J2_CONFIG}",
        )
        .config("spark.driver.memory", os.environ.get("JUVONNO_DQ_SPARK_DRIVER_MEMORY", "1g"))
    )
    for key, value in BASE_CONF.items():
        builder = builder.config(key, value)
    session = builder.enableHiveSupport().getOrCreate()
    # Spark logs failing SQL with its text to stderr; the runner reports errors itself.
    session.sparkContext.setLogLevel("OFF")
    return session
