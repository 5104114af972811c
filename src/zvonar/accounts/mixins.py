"""View mixins that apply the per-user access settings."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied


class SectionRequiredMixin(LoginRequiredMixin):
    """Refuse a section the user's access settings do not open to them."""

    section: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.section and not request.user.may_open(self.section):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
