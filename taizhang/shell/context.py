from . import discovery


def navigation(request):
    """The navigation bar: each installed app's entries the user may use, in order."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": [], "nav_section": ""}
    entries = discovery.navigation(user)
    match = getattr(request, "resolver_match", None)
    section = match.url_name if match else ""
    names = {name for name, _ in entries}
    if section not in names and section and section.startswith("ledger-"):
        section = "ledger-index"
    return {"navigation": entries, "nav_section": section}
