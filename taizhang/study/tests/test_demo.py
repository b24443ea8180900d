"""The study part of the demo: the article's figures at full scale, from the rows."""

import json

from django.core.management import call_command

from taizhang.orgs.models import Organization, Person
from taizhang.study.models import SimilarPair, StudyArticle, StudyPlan, StudySession


def test_full_demo_reproduces_the_articles_study_figures(db, capsys):
    call_command("demo")
    capsys.readouterr()
    call_command("stats", json=True)
    figures = json.loads(capsys.readouterr().out)
    study, publicity = figures["study"], figures["publicity"]
    assert study["plans"] == 1012
    branches = Organization.objects.filter(kind="党支部").count()
    planned = StudyPlan.objects.values("org").distinct().count()
    assert branches - planned == 27  # 未报送
    assert 3000 <= study["sessions"] <= 3099
    assert study["leader_articles"] == 105
    assert publicity["above_district"] == 121 and publicity["articles"] > 121
    assert study["similar_pairs"] == SimilarPair.objects.count() >= 2
    members = Person.objects.filter(is_member=True)
    reached = members.filter(study_sessions__isnull=False).distinct().count()
    assert (study["members_reached"], study["members_not_reached"]) == (
        reached,
        members.count() - reached,
    )
    # A realistic few percent not reached, mostly the frail and the mobile.
    share = study["members_not_reached"] / members.count()
    assert 0.01 < share < 0.06
    missing = members.filter(study_sessions__isnull=True)
    hard = missing.filter(kinds__regex="年老体弱|流动党员").count()
    assert hard > missing.count() / 2
    assert StudySession.objects.filter(form="送学上门").exists()
    assert StudySession.objects.filter(form="流动党员返乡培训").exists()
    forms = set(StudySession.objects.filter(org__code="QSH").values_list("form", flat=True))
    assert forms >= {"第一议题", "中心组专题学习", "读书班集中学习", "现场教学"}
    assert StudyArticle.objects.filter(author__is_leader=False).exists()
