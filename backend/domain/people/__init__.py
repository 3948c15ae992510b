"""People and access: enterprises, sites, users, roles, devices and their tokens."""
