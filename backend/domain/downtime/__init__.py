"""Downtime events: unplanned stops past the micro-stop threshold, their tickets and their reasons."""
