"""One renderer per artefact; the registry in `artefacts.py` says which is which."""

from __future__ import annotations

from .base import Job, Output, Renderer, Result

__all__ = ["Job", "Output", "Renderer", "Result"]
