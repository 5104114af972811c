"""Users, roles, teams, per-user access settings and the operator status log."""
