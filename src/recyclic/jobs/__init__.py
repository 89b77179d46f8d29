"""Background jobs: the outbox handed to taskiq (Redis broker in production, in-memory in
embedded mode), the runner, the relay and the daily scheduler. See docs/jobs.md."""
