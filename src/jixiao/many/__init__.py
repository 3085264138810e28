"""Many projects at once: batches, a Dask cluster, the portfolio report."""
