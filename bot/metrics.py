"""Prometheus metrics an operator would chart, in a registry of the bot's own.

Off by default: the counters are always kept (a few increments, cheap), and served over HTTP only
when METRICS_PORT is set (bound to METRICS_HOST, 127.0.0.1 unless told otherwise). A registry per
bot rather than prometheus_client's global one, so a test process can run many bots in turn.

Labels are bounded and say nothing about anyone: a slash command's qualified name, a button's or a
form's route without its ids ("journal:delete"), an outcome, a Discord error code, a job id. Never
what someone typed, never a user, channel or guild id.

Discord's HTTP traffic is watched through an aiohttp TraceConfig handed to discord.py
(`http_trace=`): it sees every response, so 429s are counted there (with the wait Discord asked
for), and so is the last message posted in a channel (for the heartbeat, bot/heartbeat.py).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from types import SimpleNamespace
from wsgiref.simple_server import WSGIServer

import aiohttp
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    start_http_server,
)

log = logging.getLogger(__name__)

OK, REFUSED, ERROR = "ok", "refused", "error"
# An answer within Discord's 3 s deadline matters most; slower ones defer first.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0)
JOB_BUCKETS = (0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0)
_CHANNEL_MESSAGE = re.compile(r"/channels/[0-9]+/messages$")


class Metrics:
    """Every metric Attune exports, and the HTTP server that serves them when asked to."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        # Memory and CPU of this process, as the global registry would have had them.
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        registry = self.registry
        self.interactions = Counter(
            "attune_interactions",
            "Interactions answered, by kind (command, component, modal), name and outcome",
            ["kind", "name", "outcome"],
            registry=registry,
        )
        self.interaction_seconds = Histogram(
            "attune_interaction_seconds",
            "Time from an interaction's arrival in its handler to the handler's end",
            ["kind", "name"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.rounds_posted = Counter(
            "attune_checkin_rounds_posted", "Check-in rounds posted, by kind", ["kind"], registry=registry
        )
        self.rounds_missed = Counter(
            "attune_checkin_rounds_missed",
            "Check-in rounds recorded as missed, never posted, by reason",
            ["reason"],
            registry=registry,
        )
        self.rounds_failed = Counter(
            "attune_checkin_rounds_failed",
            "Tries to post a check-in round that failed (retried later), by Discord error code",
            ["code"],
            registry=registry,
        )
        self.meetings_posted = Counter(
            "attune_meetings_posted",
            "Weekly couple meetings posted in the couple's thread",
            registry=registry,
        )
        self.meetings_failed = Counter(
            "attune_meetings_failed",
            "Tries to post a couple meeting that failed (retried later), by Discord error code",
            ["code"],
            registry=registry,
        )
        self.dms_refused = Counter(
            "attune_dms_refused", "DMs Discord refused because the person's DMs are closed", registry=registry
        )
        self.rate_limited = Counter(
            "attune_discord_rate_limited",
            "429 answers from Discord, waited out before trying again, by scope",
            ["scope"],
            registry=registry,
        )
        self.rate_limit_wait = Counter(
            "attune_discord_rate_limit_wait_seconds",
            "Seconds Discord asked Attune to wait in its 429 answers, by scope",
            ["scope"],
            registry=registry,
        )
        self.job_seconds = Histogram(
            "attune_job_run_seconds",
            "How long each run of a recurring job took, by job id",
            ["job"],
            buckets=JOB_BUCKETS,
            registry=registry,
        )
        self.gateway_connected = Gauge(
            "attune_gateway_connected", "1 while connected to Discord's gateway", registry=registry
        )
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    # -- recording -----------------------------------------------------------------------------

    def interaction_done(self, kind: str, name: str, outcome: str, seconds: float) -> None:
        self.interactions.labels(kind, name, outcome).inc()
        self.interaction_seconds.labels(kind, name).observe(seconds)

    def job_ran(self, job_id: str, seconds: float) -> None:
        self.job_seconds.labels(job_id).observe(seconds)

    def connected(self, connected: bool) -> None:
        self.gateway_connected.set(1 if connected else 0)

    # -- serving -------------------------------------------------------------------------------

    @property
    def port(self) -> int | None:
        """The port being served (the one the OS chose when asked for 0), or None when off."""
        return None if self._server is None else int(self._server.server_port)

    def serve(self, host: str, port: int) -> bool:
        """Serve /metrics on host:port in a thread of its own. A port already taken is logged and
        the bot carries on without metrics: they are never worth stopping the bot for."""
        try:
            self._server, self._thread = start_http_server(port, addr=host, registry=self.registry)
        except OSError as error:
            log.error(
                "Metrics could not be served on %s:%s (%s); Attune runs on without them", host, port, error
            )
            return False
        log.info("Serving Prometheus metrics on http://%s:%s/metrics", host, self.port)
        return True

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None


def discord_http_trace(metrics: Metrics, posted: Callable[[float], None]) -> aiohttp.TraceConfig:
    """What discord.py's HTTP session reports back: 429s to `metrics`, and each message created
    in a channel (a 2xx POST to /channels/<id>/messages) to `posted`, with the time it was."""
    trace = aiohttp.TraceConfig()

    async def on_request_end(
        session: aiohttp.ClientSession, context: SimpleNamespace, params: aiohttp.TraceRequestEndParams
    ) -> None:
        status = params.response.status
        if status == 429:
            headers = params.response.headers
            scope = headers.get("X-RateLimit-Scope", "user")
            if scope not in ("user", "global", "shared"):
                scope = "other"
            metrics.rate_limited.labels(scope).inc()
            metrics.rate_limit_wait.labels(scope).inc(_wait_asked(headers))
        elif 200 <= status < 300 and params.method == "POST" and _CHANNEL_MESSAGE.search(params.url.path):
            posted(time.time())

    trace.on_request_end.append(on_request_end)
    return trace


def _wait_asked(headers: Mapping[str, str]) -> float:
    """The wait a 429 asks for: X-RateLimit-Reset-After (to the millisecond), else Retry-After."""
    for name in ("X-RateLimit-Reset-After", "Retry-After"):
        value = headers.get(name)
        if value is not None:
            try:
                return max(0.0, float(value))
            except ValueError:
                continue
    return 0.0
