"""Log in with the username or the e-mail address."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        user_model = get_user_model()
        candidates = list(
            user_model._default_manager.filter(
                Q(username__iexact=username) | (Q(email__iexact=username) & ~Q(email=""))
            )[:2]
        )
        if len(candidates) != 1:
            # Run the hasher anyway so a missing user costs as much time as a wrong password.
            user_model().set_password(password)
            return None
        user = candidates[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
