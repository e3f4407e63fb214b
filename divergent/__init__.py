"""divergent: explore many software designs before you commit to one."""

__version__ = "0.1.0"
