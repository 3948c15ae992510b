"""Background work of the sync server (started with the API, see `backend.jobs`)."""

from backend.replication.retention import retention_job

JOBS = [retention_job]
