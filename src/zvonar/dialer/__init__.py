"""The automatic dialer: a framework-free core, its simulator and the running engine."""
