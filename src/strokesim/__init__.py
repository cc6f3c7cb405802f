"""strokesim: mechanistic simulation of motor recovery after stroke.

Research software, not a medical device: nothing it prints is clinical advice.
"""

from __future__ import annotations

__version__ = "0.1.0"
