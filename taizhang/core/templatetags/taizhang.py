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


@register.simple_tag(takes_context=True)
def org_label(context, code):
    """The name of the organization `code` names, if the user may see it ("" otherwise):
    what the org picker shows under its input."""
    from taizhang.core import tree
    from taizhang.core.access import org_path_for_read

    request = context.get("request")
    if not code or request is None:
        return ""
    path = org_path_for_read(request.user, str(code).split()[0])
    return tree.org_named_at(path) if path else ""


@register.filter
def ref_titles(column) -> str:
    """The titles of the ledgers a reference column may name: 组织或企业."""
    from taizhang.core.ledger import registry

    return "或".join(registry[t].title for t in column.targets if t in registry)
