import math
from datetime import datetime

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables

from seller_portal import clock
from seller_portal.lockout import Locked, client_ip, count_attempt, refused_until
from seller_portal.models import Membership, Role, Shop


class LockoutMessageMixin:
    """For an AuthenticationForm: a sign-in refused by the lockout says so, with the minutes
    left, instead of calling the password wrong (it was not checked)."""

    def get_invalid_login_error(self):
        until = refused_until(self.request)
        if until is not None:
            return locked_error(until)
        return super().get_invalid_login_error()


def minutes_left(until: datetime) -> int:
    return max(1, math.ceil((until - clock.now()).total_seconds() / 60))


def locked_error(until: datetime) -> forms.ValidationError:
    minutes = minutes_left(until)
    return forms.ValidationError(
        ngettext(
            "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(minutes)d menit.",
            "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(minutes)d menit.",
            minutes,
        )
        % {"minutes": minutes},
        code="locked",
    )


class LoginForm(LockoutMessageMixin, AuthenticationForm):
    # Django ships no Indonesian text for these two messages.
    error_messages = {
        "invalid_login": _(
            "Masukkan nama pengguna dan kata sandi yang benar. Keduanya membedakan huruf besar "
            "dan kecil."
        ),
        "inactive": _("Akun ini tidak aktif."),
    }


class LockoutPasswordChangeForm(PasswordChangeForm):
    """Django's password change, its old password checked under the sign-in lockout: each try
    is counted (against the user's name, from the request's address) before the password is
    hashed, and none is checked while the name is locked. Without it, a stolen session could
    guess the password here without limit."""

    def __init__(self, user, *args, request: HttpRequest | None = None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    @sensitive_variables("old_password")
    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        try:
            attempt = count_attempt(self.user.get_username(), client_ip(self.request))
        except Locked as locked:
            minutes = minutes_left(locked.until)
            raise forms.ValidationError(
                ngettext(
                    "Terlalu banyak percobaan kata sandi yang salah. Kata sandi belum dapat "
                    "diubah; coba lagi dalam %(minutes)d menit.",
                    "Terlalu banyak percobaan kata sandi yang salah. Kata sandi belum dapat "
                    "diubah; coba lagi dalam %(minutes)d menit.",
                    minutes,
                )
                % {"minutes": minutes},
                code="locked",
            ) from None
        if not self.user.check_password(old_password):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        attempt.succeeded()
        return old_password


MAX_ID = 2**63 - 1  # a BigAutoField's largest id: anything beyond is refused, never queried


class MemberActionForm(forms.Form):
    """One owner action on the members page: change a member's role, or remove a member
    (asked to confirm first). The member must belong to `shop`; an id of another shop's
    member reads as unknown."""

    ROLE = "role"
    REMOVE = "remove"

    action = forms.ChoiceField(choices=[(ROLE, ROLE), (REMOVE, REMOVE)])
    membership = forms.IntegerField(min_value=1, max_value=MAX_ID)
    role = forms.ChoiceField(choices=Role.choices, required=False)
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, shop: Shop, **kwargs):
        self.shop = shop
        super().__init__(*args, **kwargs)
        unknown = _("Anggota ini tidak ditemukan di toko.")
        self.fields["membership"].error_messages.update(
            {key: unknown for key in ("required", "invalid", "min_value", "max_value")}
        )
        self.fields["role"].error_messages["invalid_choice"] = _("Peran tidak dikenal.")
        self.fields["action"].error_messages.update(
            required=_("Tindakan tidak dikenal."), invalid_choice=_("Tindakan tidak dikenal.")
        )

    def clean_membership(self) -> Membership:
        membership = (
            Membership.objects.select_related("user")
            .filter(shop=self.shop, pk=self.cleaned_data["membership"])
            .first()
        )
        if membership is None:
            raise forms.ValidationError(_("Anggota ini tidak ditemukan di toko."), code="unknown")
        return membership

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("action") == self.ROLE
            and not cleaned.get("role")
            and "role" not in self.errors
        ):
            self.add_error("role", _("Peran tidak dikenal."))
        return cleaned

    def first_error(self) -> str:
        for errors in self.errors.values():
            return errors[0]
        return ""
