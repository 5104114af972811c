"""Projects' state changes: start, pause and stop the dialing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zvonar.campaigns.choices import ProjectStatusChoices
from zvonar.campaigns.models import Project
from zvonar.events import project_group, send_event_on_commit

ALLOWED = {
    "start": (
        {ProjectStatusChoices.DRAFT, ProjectStatusChoices.PAUSED},
        ProjectStatusChoices.RUNNING,
    ),
    "pause": ({ProjectStatusChoices.RUNNING}, ProjectStatusChoices.PAUSED),
    "stop": (
        {ProjectStatusChoices.RUNNING, ProjectStatusChoices.PAUSED, ProjectStatusChoices.DRAFT},
        ProjectStatusChoices.DONE,
    ),
}


@transaction.atomic
def do_change_project_status(project: Project, action: str, *, acting_user) -> Project:
    """Start, pause or stop a project. Paused and stopped projects place no new calls; calls
    in progress finish normally. Side effect: a `project` event to the project's group."""
    allowed_from, target = ALLOWED[action]
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status not in allowed_from:
        raise ValidationError(
            _("A project in status “%(status)s” cannot be changed this way.")
            % {"status": project.get_status_display()}
        )
    if action == "start" and not project.results.filter(is_active=True).exists():
        raise ValidationError(_("Add call results to the project before starting it."))
    project.status = target
    project.save(update_fields=["status"])
    send_event_on_commit(
        [project_group(project.pk)],
        {
            "type": "project",
            "op": "status",
            "project_id": project.pk,
            "status": project.status,
            "status_display": str(project.get_status_display()),
        },
    )
    return project
