"""Reports: the roll-up by unit, the year report (báo cáo tổng kết) and the figures behind the dashboard.

figures.py reads each unit's own figures per month (grouped queries over the subtree); rollup.py
turns them into a period's figures and adds them up the tree; sentences.py writes the report
sentences; charts.py draws SVG bar charts; cache.py keeps computed facts per unit and data
version (see there for the invalidation rule). The dashboard (app.dashboard) reads from here.
"""


def init_app(app):
    from . import models  # noqa: F401 - the report_version table
    from .cache import register_listeners
    from .pdf import register
    from .routes import bp

    register_listeners()
    register()
    app.register_blueprint(bp)
