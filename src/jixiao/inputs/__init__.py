"""Reading what the analyst writes: the parameter file, data tables, texts, frameworks."""
