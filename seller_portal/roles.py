"""Staff groups and the permissions each one holds.

Support reads any shop and files abuse tickets; reviewers decide tickets and appeals in admin.
A data migration creates the groups on a fresh database, and ``sync_staff_groups`` runs again
after every ``migrate`` (and after a test database flush), so permissions of models added by
later migrations join the groups without another hand-written migration.
"""

from django.apps import apps as global_apps

STAFF_GROUP_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    "support": [
        ("seller_portal", "view_all_shops"),
        ("seller_portal", "view_shop"),
        ("seller_portal", "view_membership"),
        ("seller_portal", "view_membershipchange"),
        ("performance", "view_event"),
        ("appeals", "add_abuseticket"),
        ("appeals", "view_abuseticket"),
        ("appeals", "view_appeal"),
        ("appeals", "view_evidence"),
        # Lifting a sign-in lock for a seller who called in (admin: delete the failures).
        ("seller_portal", "view_loginfailure"),
        ("seller_portal", "delete_loginfailure"),
    ],
    "reviewer": [
        ("seller_portal", "view_shop"),
        ("seller_portal", "view_membership"),
        ("seller_portal", "view_membershipchange"),
        ("performance", "view_event"),
        ("performance", "view_penalty"),
        ("performance", "view_scoresnapshot"),
        ("performance", "view_csweek"),
        ("appeals", "view_abuseticket"),
        ("appeals", "change_abuseticket"),
        ("appeals", "view_appeal"),
        ("appeals", "change_appeal"),
        ("appeals", "view_evidence"),
        ("appeals", "view_caseevent"),
        ("performance", "view_enforcementrecord"),
        ("performance", "view_guidelineflag"),
        ("performance", "change_guidelineflag"),
    ],
}


def sync_staff_groups(apps=global_apps, using: str = "default") -> None:
    """Create the staff groups and grant every listed permission that exists yet."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in STAFF_GROUP_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        wanted = set(perms)
        found = [
            permission
            for permission in Permission.objects.using(using).select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        group.permissions.add(*found)


def sync_staff_groups_after_migrate(sender, apps=global_apps, using="default", **kwargs) -> None:
    sync_staff_groups(apps, using)
