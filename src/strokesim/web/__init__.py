"""A clinician's page: one patient's prognosis and plan in the browser (``strokesim serve``).

Needs the ``web`` extra (FastAPI, Uvicorn, Jinja2, python-multipart). The page
calls the same code as ``strokesim predict`` / ``strokesim plan``
(:func:`strokesim.predict.pipeline.prognose`); calibrations run as background
jobs (:mod:`strokesim.web.jobs`); the form and the upload are read by the CLI's
record reader (:mod:`strokesim.web.form`); :mod:`strokesim.web.app` holds the
routes. Patient data stay in memory: nothing is written to disk or logged.
"""

__all__: list[str] = []
