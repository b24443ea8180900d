NAVIGATION = [
    ("home", "首页"),
    ("dispatch", "调度"),
    ("ledger-index", "台账"),
    ("stats", "统计"),
    ("system", "系统"),
]


def navigation(request):
    match = getattr(request, "resolver_match", None)
    section = match.url_name if match else ""
    if match and match.url_name and match.url_name.startswith("ledger-"):
        section = "ledger-index"
    return {"navigation": NAVIGATION, "nav_section": section}
