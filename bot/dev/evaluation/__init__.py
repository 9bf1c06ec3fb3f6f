"""Measuring the analysis against labelled corpora and our own labelled sets."""
