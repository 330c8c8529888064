"""The repo-wide class analyzer: index (collect → resolve → infer) and attribute lookup."""
