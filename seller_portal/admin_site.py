"""The portal's admin site: Django's, with its sign-in and password change under the sign-in
lockout (seller_portal/lockout.py). Installed as the default site (`PortalAdminConfig`), so
`admin.site` and every `@admin.register` are unchanged."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.views import PasswordChangeView
from django.urls import reverse

from seller_portal.forms import LockoutMessageMixin, LockoutPasswordChangeForm


class AdminLoginForm(LockoutMessageMixin, AdminAuthenticationForm):
    """The admin sign-in, saying so when the lockout refused it."""


class AdminPasswordChangeForm(LockoutPasswordChangeForm):
    required_css_class = "required"  # as Django's admin form


class _PasswordChangeView(PasswordChangeView):
    def get_form_kwargs(self):
        # The lockout counts per name and address: the form needs the request's.
        return super().get_form_kwargs() | {"request": self.request}


class PortalAdminSite(admin.AdminSite):
    login_form = AdminLoginForm
    password_change_form = AdminPasswordChangeForm

    def password_change(self, request, extra_context=None):
        """Django's view, giving the form the request as well as the user."""
        defaults = {
            "form_class": self.password_change_form,
            "success_url": reverse("admin:password_change_done", current_app=self.name),
            "extra_context": {**self.each_context(request), **(extra_context or {})},
        }
        if self.password_change_template is not None:
            defaults["template_name"] = self.password_change_template
        request.current_app = self.name
        return _PasswordChangeView.as_view(**defaults)(request)
