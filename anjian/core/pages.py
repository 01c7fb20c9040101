"""A record's page whose forms each post to their own URL: ``RecordDetail`` shows the page
(with a refused form bound in place of its blank one), ``PageAction`` is one form's URL —
the service call through ``core.forms.submit``; refused, the page again with the form's
errors (422) or the conflict's reason and the record as it is now (409); done, back to the
page at the form's anchor."""

from django.shortcuts import redirect

from anjian.core.forms import submit
from anjian.core.registry import RegistryAction, RegistryDetail


class RecordDetail(RegistryDetail):
    """A record's page whose forms post to their own URLs (``PageAction``): ``bound``
    replaces the page's forms by name with the one posted, ``error`` says a conflict."""

    def page(self, obj, *, status: int = 200, bound=None, error: str = "", **extra):
        self.bound = bound or {}
        return super().page(obj, status=status, error=error, **extra)

    def form(self, name: str, make):
        """The posted form ``name`` (after a refusal), else ``make()``."""
        return getattr(self, "bound", {}).get(name) or make()


class PageAction(RegistryAction):
    """A form on a record's page (``detail``), posted to its own URL: ``save(obj, data)``
    calls the service; refused, that page again with the form (``form_name``) and its
    errors; done, back to the page at ``anchor`` with ``success_message``."""

    anchor = ""
    versions_the_page = True  # the form's ``version`` is the page's record's (not a row's)

    def get_form_class(self, obj):
        return self.form_class

    def form_kwargs(self, obj) -> dict:
        return {"auto_id": f"{self.form_name}-%s"}

    def detail_url(self, obj) -> str:
        return obj.get_absolute_url()

    def saved(self, obj, result):
        self.announce(result)
        return redirect(
            f"{self.detail_url(obj)}#{self.anchor}" if self.anchor else self.detail_url(obj)
        )

    def post(self, request, *args, **kwargs):
        detail = self.detail()
        detail.setup(request, *args, **kwargs)
        obj = detail.get_object()
        self.form = form = self.get_form_class(obj)(
            request.POST, request.FILES, **self.form_kwargs(obj)
        )
        outcome = submit(request, form, lambda data: self.save(obj, data))
        if outcome.done:
            return self.saved(obj, outcome.result)
        fresh = detail.get_object()
        error = ""
        if outcome.conflict:
            # The page shows the record as it is now; the form keeps what was typed, read
            # at the current version, so sending it again is a decision on what is there.
            error = outcome.message
            if self.versions_the_page and "version" in form.fields:
                form.data = form.data.copy()
                form.data["version"] = str(fresh.version)
        return detail.page(fresh, status=outcome.status, bound={self.form_name: form}, error=error)
