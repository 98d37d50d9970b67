"""What a staff member may search, filter and sort by in the admin: only what they may view.

A changelist's search box, filters and column sorting reach through relations: the
memberships' search matched `user__email`, so support, who may not view users, could find
whose e-mail address starts with what. `PortalAdminMixin` is the base of every ModelAdmin
registered on the site (tests/test_admin_exposure.py walks the registry): for each request
it drops the search fields, filters, orderings and sortable columns whose path passes through
a model the user may not view, refuses such lookups typed into the query string, and ignores
a sort (`?o=`) on a column that is not sortable for them.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, FullResultSet
from django.db.models.constants import LOOKUP_SEP

from seller_portal.admin_checks import CheckedAutocomplete

SEARCH_PREFIXES = "^=@"


def models_on_path(model, path: str) -> list:
    """The models a lookup path reaches beyond `model`: `user__email` on Membership reaches
    User; `shop` reaches Shop (a filter lists shops, a sort follows Shop's ordering)."""
    reached = []
    for part in path.lstrip("-").split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            break  # a transform or lookup ("__year", "__exact"): nothing further is reached
        if not field.is_relation or field.related_model is None:
            break
        model = field.related_model
        reached.append(model)
    return reached


def may_view_model(admin_site, request, model) -> bool:
    """The staff member may view the model: through its ModelAdmin when it has one, else by
    the model's view permission."""
    model_admin = admin_site._registry.get(model)
    if model_admin is not None:
        return model_admin.has_view_permission(request)
    opts = model._meta
    return request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


class PortalChangeList(ChangeList):
    """Sorting from the query string honours the columns sortable for this user: Django
    itself checks `sortable_by` only when drawing the column headers.

    A lookup value that no date or number can hold is an incorrect lookup (the changelist's
    "?e=1"), not a 500: Django catches such values only while it builds a filter, but the date
    hierarchy computes the next year itself (`?at__year=9999`, or a year beyond a C int), and
    a `__year` outside 1–9999 fails only when the query is compiled, while the page renders.
    The query is therefore compiled once here, where the refusal can still be answered.
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        try:
            queryset.query.get_compiler(queryset.db).as_sql()
        except (EmptyResultSet, FullResultSet):
            pass  # a filter that matches nothing, or everything: a valid query
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc
        return queryset

    def get_ordering_field(self, field_name):
        if self.sortable_by is not None and field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)


class PortalAdminMixin(CheckedAutocomplete):
    """Search, filters and sorting limited to models the user may view (see the module);
    hostile ids in autocomplete fields refused as the form's own error (admin_checks)."""

    def path_allowed(self, request, path) -> bool:
        if not isinstance(path, str):
            return True  # an expression (the queues' "open first") reaches no other model
        return all(
            may_view_model(self.admin_site, request, model)
            for model in models_on_path(self.model, path.lstrip(SEARCH_PREFIXES))
        )

    def get_search_fields(self, request):
        return [f for f in super().get_search_fields(request) if self.path_allowed(request, f)]

    def get_list_filter(self, request):
        allowed = []
        for item in super().get_list_filter(request):
            if isinstance(item, (list, tuple)):
                path = item[0]
            elif isinstance(item, str):
                path = item
            else:
                path = getattr(item, "parameter_name", None) or ""  # a SimpleListFilter
            if self.path_allowed(request, path):
                allowed.append(item)
        return allowed

    def get_ordering(self, request):
        ordering = list(super().get_ordering(request) or self.model._meta.ordering or [])
        allowed = [field for field in ordering if self.path_allowed(request, field)]
        if len(allowed) < len(ordering):
            allowed.append("-pk")  # still a total order, without the refused fields
        return allowed

    def get_sortable_by(self, request):
        columns = super().get_sortable_by(request)
        return [c for c in columns if self.path_allowed(request, self.column_order_path(c))]

    def column_order_path(self, column):
        """What sorting by a list_display column orders by: the field itself, or the
        `ordering` of an @admin.display method."""
        if not isinstance(column, str):
            return getattr(column, "admin_order_field", "")
        try:
            self.model._meta.get_field(column)
        except FieldDoesNotExist:
            attr = getattr(self, column, None) or getattr(self.model, column, None)
            return getattr(attr, "admin_order_field", "")
        return column

    def to_field_allowed(self, request, to_field):
        """Django's check fails with an AttributeError (a 500) when `_to_field` names a
        reverse many-to-many (`?_to_field=user` on groups); any such name is refused (400)."""
        try:
            return super().to_field_allowed(request, to_field)
        except (AttributeError, TypeError, ValueError):
            return False

    def lookup_allowed(self, lookup, value, request):
        return super().lookup_allowed(lookup, value, request) and self.path_allowed(request, lookup)

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if changelist is ChangeList:
            return PortalChangeList
        return changelist


class PortalModelAdmin(PortalAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyInline(admin.TabularInline):
    """Related rows shown on their parent's page, to read only."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
