"""Preventive maintenance: calendar, meter and condition plans, the work-order generator,
overdue and skipped occurrences, PM compliance."""

from backend.domain.pm import hooks

hooks.register()
