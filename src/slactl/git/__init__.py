"""All git access of slactl (see :mod:`slactl.git.repo`)."""

from slactl.git.repo import *  # noqa: F403
from slactl.git.repo import __all__ as __all__
from slactl.git.repo import _run as _run
