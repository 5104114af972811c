"""The list of calls a user may see, and one call."""

from django.views.generic import DetailView, ListView

from zvonar.accounts.choices import SectionChoices
from zvonar.accounts.mixins import SectionRequiredMixin
from zvonar.calls.queries import calls_visible_to


class CallListView(SectionRequiredMixin, ListView):
    section = SectionChoices.CALLS
    template_name = "calls/call_list.html"
    context_object_name = "calls"
    paginate_by = 50

    def get_queryset(self):
        return calls_visible_to(self.request.user).select_related(
            "operator", "contact", "project", "result"
        )


class CallDetailView(SectionRequiredMixin, DetailView):
    section = SectionChoices.CALLS
    template_name = "calls/call_detail.html"
    context_object_name = "call"

    def get_queryset(self):
        return calls_visible_to(self.request.user).select_related(
            "operator", "contact", "project", "result", "lead"
        )
