"""Makes ``shared.tests`` a package of its own, so it does not collide with the top-level ``tests``."""
