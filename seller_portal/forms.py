from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    # Django ships no Indonesian text for these two messages.
    error_messages = {
        "invalid_login": _(
            "Masukkan nama pengguna dan kata sandi yang benar. Keduanya membedakan huruf besar "
            "dan kecil."
        ),
        "inactive": _("Akun ini tidak aktif."),
    }
