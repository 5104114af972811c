"""The operator's screen."""
