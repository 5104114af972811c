"""The demo logins, as printed by `zvonar demo` and `zvonar run`."""

from django.conf import settings
from django.db.utils import DatabaseError


def demo_logins_text() -> str:
    """A table of the demo accounts, or "" when no demo was loaded."""
    from zvonar.accounts.models import User
    from zvonar.campaigns.choices import MembershipRoleChoices
    from zvonar.campaigns.models import ProjectMembership

    try:
        users = list(User.objects.filter(is_demo=True).order_by("pk"))
    except DatabaseError:
        return ""
    if not users:
        return ""
    lines = [f"Demo logins (password: {settings.ZVONAR_DEMO_PASSWORD}):"]
    supervisors = set(
        ProjectMembership.objects.filter(role=MembershipRoleChoices.SUPERVISOR).values_list(
            "user_id", flat=True
        )
    )
    for user in users:
        if user.is_superuser:
            role = "admin"
        elif user.pk in supervisors:
            role = "supervisor"
        else:
            role = "operator"
        lines.append(f"  {user.username:<12} {role:<11} {user.get_full_name()}")
    return "\n".join(lines)
