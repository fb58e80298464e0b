"""Print engine: Jinja templates under templates/pdf/ turned into PDF by WeasyPrint (see services)."""
