"""Built-in resources: example projects, datasets, lessons, style (shipped in the wheel)."""
