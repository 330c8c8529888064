"""oocheck's built-in rules, one per module, grouped by the exception they predict."""
