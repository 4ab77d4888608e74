"""Scale: benchmarks and distributed runs (Dask) over the same batch code.

`hadath.batch.process` runs articles on the cores of one machine;
`hadath.scale.dask_engine` runs partitions of the input (line ranges of
JSON Lines files, groups of other files) on a Dask cluster and writes JSON
Lines or Parquet shards, or rows in a store; `hadath.scale.bench` measures
speed, memory and scaling on real news.  Nothing here is imported by the
pipeline itself.
"""
