"""Side-by-side performance figures for the platform: ``make bench`` (``python -m bench.run``)."""
