"""Demo data: the demo commune has published last year's công khai, so the public page shows how
an association discloses (this year's stays unpublished, as it would be until the books close)."""
from app.core.clock import today

from .services import publish


def seed(units: dict) -> None:
    day = today()
    publish(units["lai_vung"], day.year - 1, day)
