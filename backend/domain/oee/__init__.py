"""OEE (ISO 22400-2): shift calendars, planned downtime, per-site policy, figures that explain themselves."""
