"""Admin parts that answer hostile parameters and form values with the admin's own refusals
("?e=1", "select a valid choice") where Django's raise instead (a 500). Found by
tests/test_form_fuzz.py. Every portal ModelAdmin has the checked autocomplete and
changelist (`admin_base.PortalAdminMixin`); date filters name CheckedDateFieldListFilter."""

from __future__ import annotations

from datetime import UTC

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime


class CheckedAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks the submitted value up to show it again; a value that
    is no id of the remote model ("abc", 5,000 digits) made that lookup raise: a 500 instead
    of the form's "select a valid choice". Such values are left out of the lookup."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(remote.field_name)
        kept = []
        for item in value:
            try:
                target.get_prep_value(target.to_python(item))
            except (ValidationError, ValueError, TypeError, OverflowError):
                continue
            kept.append(item)
        return super().optgroups(name, kept, attr)


class CheckedAutocomplete:
    """A ModelAdmin or inline whose autocomplete fields use CheckedAutocompleteSelect."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _usable_bound(value, *, moment: bool) -> bool:
    """A bound of DateFieldListFilter as its own links write it: for a time, aware and
    within years 1-9999 in UTC; for a date, a date."""
    try:
        parsed = parse_datetime(value) if moment else parse_date(value)
    except (ValueError, OverflowError):
        return False
    if parsed is None or not moment:
        return parsed is not None
    if timezone.is_naive(parsed):
        return False
    try:
        parsed.astimezone(UTC)
    except OverflowError:
        return False
    return True


class CheckedDateFieldListFilter(admin.DateFieldListFilter):
    """DateFieldListFilter that refuses, as an incorrect lookup (the changelist's "?e=1"),
    bounds its links never send: a naive time ("?at__gte=0001-01-01") reached the query
    (a warning, and for year 1 a time with no UTC year), text that is no date a 500."""

    def queryset(self, request, queryset):
        moment = isinstance(self.field, models.DateTimeField)
        for name, value in self.used_parameters.items():
            if name.endswith("__isnull"):
                continue
            values = value if isinstance(value, list) else [value]
            if not all(isinstance(v, str) and _usable_bound(v, moment=moment) for v in values):
                raise IncorrectLookupParameters(f"{name}: not a date bound")
        return super().queryset(request, queryset)


class CheckedJSONField(forms.JSONField):
    """forms.JSONField catches only JSONDecodeError: an integer over Python's 4,300-digit
    limit (a plain ValueError) or nesting that exhausts the stack made the form raise, both
    when cleaning and when showing the typed text again. Both are "Enter a valid JSON"."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except (ValueError, RecursionError):
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from None

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except (ValueError, RecursionError):
            return forms.fields.InvalidJSONInput(data)
