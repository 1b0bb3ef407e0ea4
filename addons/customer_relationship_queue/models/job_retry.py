"""Retry of the suite's work units run as jobs."""

from contextlib import contextmanager

from psycopg2 import InterfaceError, OperationalError

from odoo.addons.queue_job.exception import RetryableJobError


@contextmanager
def retry_on_database_errors(records):
    """In a job, a lost or failing database connection (the server
    restarted, a network cut, a statement cancelled) makes the job retried
    later, with the retry pattern of its job function, instead of failed:
    the work units write nothing they do not commit, and they read what is
    left to do from the database. Outside a job, errors go through."""
    try:
        yield
    except (OperationalError, InterfaceError) as error:
        if not records.env.context.get("job_uuid"):
            raise
        raise RetryableJobError(str(error).strip() or error.__class__.__name__) from error
