"""`make bench`: scripts that print figures. Not tests: compare ratios measured in one run."""
