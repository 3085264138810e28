"""One report from a project: execute the chapters, stitch, render, summarise, cache."""
