"""Leases: each running project is driven by exactly one dialer process at a time."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from zvonar.campaigns.choices import ProjectStatusChoices
from zvonar.campaigns.models import Project
from zvonar.dialer.models import DialerLease


def acquire_leases(holder: str, seconds: float) -> set[int]:
    """Renew this holder's leases and take free or expired ones of running projects.

    Every write is a conditional UPDATE or an INSERT guarded by the one-lease-per-project
    constraint, so two dialers racing for a project cannot both win, on SQLite or PostgreSQL.
    """
    now = timezone.now()
    expires = now + timedelta(seconds=seconds)
    running = set(
        Project.objects.filter(status=ProjectStatusChoices.RUNNING).values_list("pk", flat=True)
    )
    DialerLease.objects.filter(holder=holder).exclude(project_id__in=running).delete()
    DialerLease.objects.filter(holder=holder, project_id__in=running).update(expires_at=expires)
    leased = dict(
        DialerLease.objects.filter(project_id__in=running).values_list("project_id", "holder")
    )
    for project_id in running - set(leased):
        try:
            with transaction.atomic():
                DialerLease.objects.create(
                    project_id=project_id, holder=holder, acquired_at=now, expires_at=expires
                )
        except IntegrityError:
            continue
    # A lease whose holder stopped renewing is taken over, by one contender only.
    DialerLease.objects.filter(Q(project_id__in=running) & Q(expires_at__lt=now)).exclude(
        holder=holder
    ).update(holder=holder, acquired_at=now, expires_at=expires)
    return set(DialerLease.objects.filter(holder=holder).values_list("project_id", flat=True))


def release_leases(holder: str) -> None:
    DialerLease.objects.filter(holder=holder).delete()
