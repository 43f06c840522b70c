"""The `floorcraft` command line's commands and their words (appliance/__main__.py parses and calls them)."""
