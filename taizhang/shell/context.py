from . import discovery


def navigation(request):
    """The navigation bar: each installed app's entries, in their declared order."""
    entries = discovery.navigation()
    match = getattr(request, "resolver_match", None)
    section = match.url_name if match else ""
    names = {name for name, _ in entries}
    if section not in names and section and section.startswith("ledger-"):
        section = "ledger-index"
    return {"navigation": entries, "nav_section": section}
