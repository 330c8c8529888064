"""`oocheck check --fix`: repairs of findings whose fix is certain, applied with LibCST.

`model` (what a fix is; rules import it, so it imports nothing heavy), `build` (how rules decide a fix
and whether it is safe), `codemods` (the LibCST transformers), `apply` (reading, verifying, rewriting
and diffing files). LibCST is imported only when fixes are applied.
"""
