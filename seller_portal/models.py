from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SHOP_CODE_PATTERN = r"^[a-z0-9-]{3,50}$"


class Tier(models.TextChoices):
    REGULAR = "regular", _("Regular Merchant")
    POWER_MERCHANT = "power_merchant", _("Power Merchant")
    POWER_MERCHANT_PRO = "power_merchant_pro", _("Power Merchant Pro")
    OFFICIAL_STORE = "official_store", _("Official Store")


class Shop(models.Model):
    """A marketplace shop, created and updated by `shop.registered` events."""

    code = models.CharField(
        _("kode"),
        max_length=50,
        unique=True,
        validators=[RegexValidator(SHOP_CODE_PATTERN, _("3–50 huruf kecil, angka atau '-'."))],
    )
    name = models.CharField(_("nama"), max_length=200)
    tier = models.CharField(_("tingkat"), max_length=32, choices=Tier.choices)
    # `at` of the shop.registered event whose name and tier the shop shows: a late, older
    # registration event never overwrites a newer one.
    registered_at = models.DateTimeField(_("terdaftar pada"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("toko")
        verbose_name_plural = _("toko")
        permissions = [("view_all_shops", _("Dapat membaca halaman portal semua toko"))]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Role(models.TextChoices):
    OWNER = "owner", _("Pemilik")
    AGENT = "agent", _("Agen")


class Membership(models.Model):
    """A user's role in a shop. Owners manage the shop; agents view, answer and file tickets."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("peran"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")
        constraints = [
            models.UniqueConstraint(fields=["user", "shop"], name="membership_unique_user_shop"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.shop.code} ({self.get_role_display()})"


class MembershipChange(models.Model):
    """Who changed a shop's team, when, and how: a member added (by staff, in admin), a role
    changed or a member removed, by an owner on the members page or by staff in admin
    (`seller_portal/services.py`). Usernames are kept as text too, so the row still says who
    it was about and who made it after either account is gone."""

    class Action(models.TextChoices):
        ADDED = "added", _("Ditambahkan ke toko")
        ROLE_CHANGED = "role_changed", _("Peran diubah")
        REMOVED = "removed", _("Dihapus dari toko")

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="membership_changes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("nama pengguna"), max_length=150)
    action = models.CharField(_("tindakan"), max_length=20, choices=Action.choices)
    old_role = models.CharField(_("peran lama"), max_length=16, choices=Role.choices, blank=True)
    new_role = models.CharField(_("peran baru"), max_length=16, choices=Role.choices, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_username = models.CharField(_("oleh"), max_length=150)
    at = models.DateTimeField(_("waktu"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("perubahan anggota")
        verbose_name_plural = _("perubahan anggota")
        indexes = [models.Index(fields=["shop", "-at"], name="membershipchange_shop_at")]

    def __str__(self) -> str:
        action = self.get_action_display()
        return f"{self.shop.code} {self.username} {action} {self.at:%Y-%m-%d %H:%M}"


class LoginFailure(models.Model):
    """One failed sign-in, or one whose password is still being checked: enough of them lock
    the name out for a while (`lockout.py`)."""

    username = models.CharField(_("nama pengguna"), max_length=150)  # as typed, case-folded
    # SHA-256 of the name exactly as typed: names that case-fold alike ("straße", "strasse")
    # are counted together, but one account's success clears only failures typed as its name.
    typed_digest = models.CharField(max_length=64, blank=True, default="", editable=False)
    ip = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        verbose_name = _("gagal masuk")
        verbose_name_plural = _("gagal masuk")
        indexes = [models.Index(fields=["username", "at"], name="loginfailure_username_at")]

    def __str__(self) -> str:
        return f"{self.shown_username} from {self.ip} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def shown_username(self) -> str:
        """The name as staff may see it: a name that belongs to an account as it is, any
        other masked, for what was typed may be a password typed into the name field. The
        admin annotates `name_known` (see LoginFailureAdmin); otherwise one query asks."""
        known = getattr(self, "name_known", None)
        if known is None:
            known = login_name_known(self.username)
        return self.username if known else mask_login_name(self.username)


LOGIN_NAME_MASK = "•••••"


def mask_login_name(name: str) -> str:
    """First character and a fixed mask: neither the rest nor the length shows."""
    return name[:1] + LOGIN_NAME_MASK


def login_name_known(name: str) -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username__iexact=name).exists()
