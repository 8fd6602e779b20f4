"""The worker Lambda's code: the job entry and the jobs. Reached only from app.py's queue
handler."""
