"""handout-kit: one talk source, rendered to a handout, a slide deck and exercise cards."""

__version__ = "0.1.0"
