"""The supervisor's dashboard and wallboard."""
