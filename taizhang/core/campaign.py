"""The campaign's period (TAIZHANG_CAMPAIGN): the default window of pages and the dates a
ledger flags as lying outside it."""

import datetime as dt

from django.conf import settings


def campaign_period() -> tuple[dt.date, dt.date]:
    return (
        dt.date.fromisoformat(settings.CAMPAIGN_START),
        dt.date.fromisoformat(settings.CAMPAIGN_END),
    )


def outside_campaign(day: dt.date | None) -> str:
    """A warning in Chinese when `day` lies outside the campaign, else ""."""
    if day is None:
        return ""
    start, end = campaign_period()
    if start <= day <= end:
        return ""
    return f"{day} 不在主题教育期间（{start} 至 {end}），请核对"
