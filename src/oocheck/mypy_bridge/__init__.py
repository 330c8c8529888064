"""The only package that imports mypy: run it once per check and map its errors to findings."""
