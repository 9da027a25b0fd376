"""One module per CLI command; each is thin and calls the modules that do the work."""
