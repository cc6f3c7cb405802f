"""The routes of the clinician's page (FastAPI + Jinja2; a little plain JavaScript).

``GET /`` the form (the patient, the assessments or a CSV upload, the horizon
and seed, and the plan's options: which protocols to rank, the start day(s) of
the added therapy and the minutes per session, as ``strokesim plan`` takes
them); ``POST /predict`` validates the form or the uploaded CSV and queues a
job (303 to the job's page); ``GET /jobs/{id}`` shows the progress and then
the result; ``GET /jobs/{id}/status`` is polled by the page;
``/jobs/{id}/report.html``, ``draws.parquet`` and ``draws.nc`` are the
downloads, built in memory. Bad input gets the form back with the CLI's
message beside the field and a 4xx status: 422 invalid values, 413 an upload
over 1 MB, 415 an upload that is not CSV text, 409 a second submission while
the session's job runs, 429 a full queue. Responses carry no-store caching and
a strict content-security policy; nothing about the patient is logged.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from strokesim import __version__
from strokesim.predict.knobs import candidate_names
from strokesim.predict.pipeline import (
    MINUTES_RANGE,
    Bars,
    Prognosis,
    Settings,
    netcdf_bytes,
    parquet_bytes,
    prognose,
)
from strokesim.predict.planner import DEFAULT_CANDIDATES
from strokesim.predict.record import PatientRecord
from strokesim.report.html import DISCLAIMER
from strokesim.web.form import (
    FORM_MEASURES,
    MAX_UPLOAD_BYTES,
    FormErrors,
    FormInput,
    UploadRejected,
    checked_settings,
    record_from_form,
    record_from_upload,
)
from strokesim.web.jobs import Busy, JobQueue, QueueFull
from strokesim.web.view import ResultView, protocol_label, result_view

__all__ = ["MAX_BODY_BYTES", "WEB_DEFAULTS", "WebResult", "compute", "create_app"]

log = logging.getLogger("strokesim.web")
_HERE = Path(__file__).parent
#: Body size accepted for a form post (the upload cap plus room for the form fields).
MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 40_000  # < 1 MiB: an upload never spools to disk
_COOKIE = "strokesim_session"
#: The page's defaults: the CLI's (``strokesim plan``), with its six candidate protocols.
WEB_DEFAULTS = Settings(protocols=DEFAULT_CANDIDATES)
_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
}


class WebResult:
    """A finished job: the shared prognosis, the page's view and lazily built downloads."""

    def __init__(self, prognosis: Prognosis, view: ResultView) -> None:
        self.prognosis = prognosis
        self.view = view
        self._files: dict[str, bytes] = {}

    def file(self, name: str) -> bytes:
        """Contents of ``report.html``, ``draws.parquet`` or ``draws.nc`` (built once)."""
        if name not in self._files:
            p = self.prognosis
            if name == "report.html":
                self._files[name] = p.report_html.encode("utf-8")
            elif name == "draws.parquet":
                self._files[name] = parquet_bytes(p.draws)
            elif name == "draws.nc":
                self._files[name] = netcdf_bytes(p)
            else:
                raise KeyError(name)
        return self._files[name]


def compute(record: PatientRecord, settings: Settings, bars: Bars) -> WebResult:
    """A job's work: :func:`strokesim.predict.pipeline.prognose` and the page's view."""
    prognosis = prognose(record, settings, bars)
    return WebResult(prognosis, result_view(prognosis))


_DOWNLOADS = {
    "report.html": ("text/html; charset=utf-8", "report.html"),
    "draws.parquet": ("application/vnd.apache.parquet", "draws.parquet"),
    "draws.nc": ("application/x-netcdf", "draws.nc"),
}


def create_app(
    settings: Settings = WEB_DEFAULTS,
    *,
    compute: Callable[[PatientRecord, Settings, Bars], Any] = compute,
    workers: int = 1,
    max_pending: int = 64,
    cache_size: int = 64,
) -> FastAPI:
    """The page's application.

    Parameters
    ----------
    settings
        Library size, method, protocols, draws and the default horizon and seed
        (default: the CLI's, with ``strokesim plan``'s six candidate protocols).
    compute
        A job's work (default :func:`compute`; tests may pass a stand-in).
    workers
        Jobs run at once.
    max_pending
        Unfinished jobs allowed before submissions get HTTP 429.
    cache_size
        Finished jobs kept in memory (least recently used dropped first).
    """
    queue = JobQueue(compute, workers=workers, max_pending=max_pending, cache_size=cache_size)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        queue.shutdown()

    app = FastAPI(
        title="strokesim", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.queue = queue
    app.state.settings = settings
    templates = Jinja2Templates(directory=str(_HERE / "templates"))
    templates.env.globals.update(
        disclaimer=DISCLAIMER,
        version=__version__,
        measures=FORM_MEASURES,
        max_upload_mb=MAX_UPLOAD_BYTES / 1e6,
        # the protocols the form offers to rank: the server's first (checked by default)
        offered_protocols=(
            () if settings.protocols is None else candidate_names(settings.protocols)
        ),
        minutes_range=MINUTES_RANGE,
    )
    templates.env.filters["protocol_label"] = protocol_label
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        for k, v in _HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    def owner(request: Request) -> str:
        """The session token: the cookie's, or a new one (kept for the whole request)."""
        token = getattr(request.state, "owner", None)
        if token is None:
            token = request.cookies.get(_COOKIE, "")
            if not (16 <= len(token) <= 64 and token.isascii() and token.isprintable()):
                token = secrets.token_urlsafe(16)
            request.state.owner = token
        return token

    def page(
        request: Request, template: str, context: dict[str, Any], status: int = 200
    ) -> HTMLResponse:
        token = owner(request)
        response = templates.TemplateResponse(
            request, template, {"settings": settings, **context}, status_code=status
        )
        response.set_cookie(_COOKIE, token, httponly=True, samesite="strict")
        return response

    def form_page(
        request: Request,
        data: FormInput | None = None,
        errors: dict[str, str] | None = None,
        lines: list[str] | None = None,
        status: int = 200,
        notice: str | None = None,
        busy_job: str | None = None,
    ) -> HTMLResponse:
        return page(
            request,
            "form.html",
            {
                "data": data or FormInput(),
                "errors": errors or {},
                "lines": lines or [],
                "notice": notice,
                "busy_job": busy_job,
            },
            status,
        )

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        return form_page(request)

    @app.post("/predict")
    async def predict(request: Request) -> Response:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return form_page(
                request,
                errors={
                    "csv": f"the upload is {int(declared) / 1e6:.1f} MB; uploads are capped at 1 MB"
                },
                lines=["error: upload: larger than 1 MB"],
                status=413,
            )
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                return form_page(
                    request,
                    errors={"csv": "the upload is over 1 MB; uploads are capped at 1 MB"},
                    lines=["error: upload: larger than 1 MB"],
                    status=413,
                )
        request._body = bytes(body)  # parsed from memory: nothing spooled to disk
        try:
            form = await request.form(max_files=1, max_fields=2000)
        except Exception:  # malformed multipart or url-encoded body
            return form_page(
                request,
                errors={"form": "the submitted form could not be read"},
                lines=["error: form: the submitted form could not be read"],
                status=400,
            )
        data = FormInput.from_form(form, form.getlist)
        upload = form.get("record_csv")
        try:
            if upload is not None and not isinstance(upload, str) and upload.filename:
                raw = await upload.read()
                run_settings = checked_settings(data, settings)
                record = record_from_upload(
                    upload.filename, upload.content_type or "", raw, run_settings
                )
            else:
                record, run_settings = record_from_form(data, settings)
        except UploadRejected as error:
            return form_page(
                request,
                data,
                {"csv": error.message},
                [f"error: {error.message}"],
                error.status,
            )
        except FormErrors as error:
            return form_page(request, data, error.errors, error.lines, 422)
        try:
            job = queue.submit(owner(request), record, run_settings)
        except Busy as busy:
            return form_page(
                request,
                data,
                {"form": "a calculation you started is still running: wait for it to finish"},
                ["error: job: a calculation you started is still running"],
                409,
                busy_job=busy.job.id,
            )
        except QueueFull:
            response = form_page(
                request,
                data,
                {"form": "the server is busy with other calculations; try again in a minute"},
                ["error: queue: full"],
                429,
            )
            response.headers["Retry-After"] = "60"
            return response
        response = RedirectResponse(f"/jobs/{job.id}", status_code=303)
        response.set_cookie(_COOKIE, owner(request), httponly=True, samesite="strict")
        return response

    def found(job_id: str):
        job = queue.get(job_id)
        if job is None:
            raise StarletteHTTPException(404, "no such calculation (it may have expired)")
        return job

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(request: Request, job_id: str) -> HTMLResponse:
        job = found(job_id)
        if job.state == "done":
            return page(request, "result.html", {"job": job, "v": job.result.view})
        if job.state == "failed":
            return page(request, "failed.html", {"job": job}, job.error_status)
        return page(request, "progress.html", {"job": job, "position": queue.position(job)})

    @app.get("/jobs/{job_id}/status")
    def job_status(job_id: str) -> JSONResponse:
        job = found(job_id)
        return JSONResponse(
            {
                "state": job.state,
                "stage": job.stage,
                "done": job.done,
                "total": job.total,
                "percent": round(100 * job.fraction()),
                "position": queue.position(job),
            }
        )

    @app.get("/jobs/{job_id}/{name}")
    def download(job_id: str, name: str) -> Response:
        job = found(job_id)
        if name not in _DOWNLOADS:
            raise StarletteHTTPException(404, "no such download")
        if job.state != "done":
            raise StarletteHTTPException(409, "the calculation has not finished")
        media, suffix = _DOWNLOADS[name]
        pid = "".join(c for c in job.result.prognosis.record.patient_id if c.isalnum())
        return Response(
            job.result.file(name),
            media_type=media,
            headers={
                "Content-Disposition": f'attachment; filename="strokesim-{pid or "patient"}-'
                f'{suffix}"'
            },
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return page(
            request,
            "message.html",
            {"title": "Not available", "message": exc.detail},
            exc.status_code,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return page(
            request,
            "message.html",
            {"title": "Invalid request", "message": "the request could not be read"},
            422,
        )

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        log.error("internal error: %s", type(exc).__name__)
        return page(
            request,
            "message.html",
            {"title": "Internal error", "message": "something went wrong on the server"},
            500,
        )

    return app
