from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""


@register.filter
def thousands(number):
    """30000 → 30,000: how counts are written in the office's reports."""
    try:
        return f"{int(number):,}"
    except (TypeError, ValueError):
        return number
