"""Owners run their shop's team (RULES §10): change a member's role, remove a member.

Each change runs in one transaction that first locks every membership of the shop
(`select_for_update`, in id order), so two owners acting at once are served one after the
other and the second sees what the first did: a shop can never lose its last owner, and an
owner demoted or removed a moment ago can no longer manage the team. Each change leaves a
`MembershipChange` row with who made it and when, in the same transaction.

A removed member loses the shop at once: `access.shop_access_or_404` and
`access.shop_rows_for_user` (pages, notices, the unread badge) read the membership on every
request.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from seller_portal import clock
from seller_portal.models import Membership, MembershipChange, Role

Action = MembershipChange.Action


class MembershipError(ValueError):
    """A refused change; the message is for the seller."""


def _locked(membership: Membership, by) -> tuple[Membership, list[Membership]]:
    """The membership as it is now and every membership of its shop, all locked; refuses a
    membership that is gone and a `by` who is not (or no longer) an owner of the shop."""
    members = list(
        Membership.objects.select_for_update()
        .filter(shop_id=membership.shop_id)
        .select_related("user")
        .order_by("pk")
    )
    current = next((m for m in members if m.pk == membership.pk), None)
    if current is None:
        raise MembershipError(_("Anggota ini tidak ditemukan di toko."))
    _may_manage(by, members)
    return current, members


def _may_manage(by, members: list[Membership]) -> None:
    """An owner of the shop, or staff who may change memberships (in admin), manage its team."""
    if any(m.user_id == by.pk and m.role == Role.OWNER for m in members):
        return
    if by.is_staff and by.has_perm("seller_portal.change_membership"):
        return
    raise MembershipError(_("Hanya pemilik toko yang dapat mengelola anggota."))


def membership_last_owner_problem(membership: Membership, *, new_role: str | None) -> str | None:
    """Why demoting (`new_role` an agent) or removing (`new_role` None) this member would be
    refused as it stands now: for a form to say before a change is tried."""
    if membership.pk is None or (new_role is not None and new_role == Role.OWNER):
        return None
    stored = Membership.objects.filter(pk=membership.pk).values_list("role", flat=True).first()
    if stored != Role.OWNER:
        return None
    owners = Membership.objects.filter(shop_id=membership.shop_id, role=Role.OWNER).count()
    return _("Toko harus memiliki setidaknya satu pemilik.") if owners <= 1 else None


@transaction.atomic
def membership_add(*, shop, user, role: str, by) -> Membership:
    """Add a member (staff, in admin, until owners invite their own)."""
    if role not in Role.values:
        raise MembershipError(_("Peran tidak dikenal."))
    members = list(Membership.objects.select_for_update().filter(shop_id=shop.pk).order_by("pk"))
    _may_manage(by, members)
    if any(m.user_id == user.pk for m in members):
        raise MembershipError(_("%(name)s sudah menjadi anggota toko ini.") % {"name": user})
    membership = Membership.objects.create(shop=shop, user=user, role=role)
    _record(membership=membership, action=Action.ADDED, old_role="", new_role=role, by=by)
    return membership


def _owners(members: list[Membership]) -> int:
    return sum(m.role == Role.OWNER for m in members)


def _record(*, membership: Membership, action: str, old_role: str, new_role: str, by) -> None:
    MembershipChange.objects.create(
        shop_id=membership.shop_id,
        user=membership.user,
        username=membership.user.get_username(),
        action=action,
        old_role=old_role,
        new_role=new_role,
        by=by,
        by_username=by.get_username(),
        at=clock.now(),
    )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by) -> Membership:
    """Make the member an owner or an agent; the last owner is never made an agent."""
    if role not in Role.values:
        raise MembershipError(_("Peran tidak dikenal."))
    current, members = _locked(membership, by)
    if current.role == role:
        raise MembershipError(
            _("%(name)s sudah berperan sebagai %(role)s.")
            % {"name": current.user.get_username(), "role": Role(role).label}
        )
    if current.role == Role.OWNER and _owners(members) <= 1:
        raise MembershipError(_("Toko harus memiliki setidaknya satu pemilik."))
    old_role = current.role
    current.role = role
    current.save(update_fields=["role"])
    _record(membership=current, action=Action.ROLE_CHANGED, old_role=old_role, new_role=role, by=by)
    return current


@transaction.atomic
def membership_remove(*, membership: Membership, by) -> None:
    """Remove the member from the shop; the last owner is never removed."""
    current, members = _locked(membership, by)
    if current.role == Role.OWNER and _owners(members) <= 1:
        raise MembershipError(_("Toko harus memiliki setidaknya satu pemilik."))
    _record(membership=current, action=Action.REMOVED, old_role=current.role, new_role="", by=by)
    current.delete()
