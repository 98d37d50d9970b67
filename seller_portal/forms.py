import math

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from seller_portal import clock
from seller_portal.lockout import client_ip, locked_until


class LoginForm(AuthenticationForm):
    # Django ships no Indonesian text for these two messages.
    error_messages = {
        "invalid_login": _(
            "Masukkan nama pengguna dan kata sandi yang benar. Keduanya membedakan huruf besar "
            "dan kecil."
        ),
        "inactive": _("Akun ini tidak aktif."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        until = username and locked_until(username, client_ip(self.request))
        if until:
            minutes = max(1, math.ceil((until - clock.now()).total_seconds() / 60))
            raise forms.ValidationError(
                ngettext(
                    "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(minutes)d menit.",
                    "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(minutes)d menit.",
                    minutes,
                )
                % {"minutes": minutes},
                code="locked",
            )
        return super().clean()
