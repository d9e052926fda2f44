"""The integration API (docs/API.md): /api/v1/ for the document-management and one-stop systems
(tasks in) and the HR and payroll systems (published results out), its clients and tokens, the
request log, throttling and the webhooks. It reads scoring, directives and units, so it sits at
the top of the import chain: nothing else imports it but the URLconf and `run_schedule`.
"""
