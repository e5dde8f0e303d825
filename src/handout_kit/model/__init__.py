"""The talk turned into what the artefacts show: the slide deck and the card sets, as data
(the renderers in render/ of the same names lay them out)."""
