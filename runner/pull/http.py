"""The HTTP side of a pull: httpx for the requests, tenacity for the retries.

Retried: 429 and 5xx answers, timeouts and transport errors (refused or dropped
connections). A 429 or 503 `Retry-After` is honoured (capped); otherwise the wait
is exponential with jitter. Requests are bounded by a semaphore (concurrency)
and spaced by the shared rate limiter. The key travels in the `X-API-Key`
header only; every message that leaves this module has been through the redactor.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx
import tenacity

from runner.pull.errors import ApiUnavailable
from runner.pull.ratelimit import RateLimiter
from runner.pull.secret import Redactor

log = logging.getLogger("runner.pull")

RETRY_AFTER_CAP = 300.0  # seconds: a longer Retry-After is waited for at most this long


@dataclass(frozen=True)
class HttpSettings:
    timeout: float = 30.0  # seconds, per connect / read / write
    concurrency: int = 4  # requests in flight at once
    rate: float = 10.0  # requests per second at most
    retries: int = 6  # attempts per request, the first one included
    backoff: float = 1.0  # first backoff in seconds, doubled each retry (jittered), at most 60 s


class RetryableStatus(Exception):
    def __init__(self, status: int, retry_after: float | None, endpoint: str) -> None:
        self.status = status
        self.retry_after = retry_after
        super().__init__(f"{endpoint}: HTTP {status}")


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class _WaitRetryAfter(tenacity.wait.wait_base):
    """The server's Retry-After when it gave one, else exponential backoff with jitter."""

    def __init__(self, backoff: float) -> None:
        self._fallback = tenacity.wait_exponential_jitter(initial=backoff, max=60.0, jitter=backoff)

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, RetryableStatus) and exc.retry_after is not None:
            return min(exc.retry_after, RETRY_AFTER_CAP)
        return self._fallback(retry_state)


_RETRYABLE = (RetryableStatus, httpx.TimeoutException, httpx.TransportError)


class ApiClient:
    """`async with ApiClient(url, key, settings) as api: await api.get_json("customers/list", {...})`."""

    def __init__(
        self, base_url: str, api_key: str, settings: HttpSettings, redact: Redactor
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.settings = settings
        self.redact = redact
        self.requests = 0  # answered requests, for the summary line
        self.retried = 0
        self._key = api_key
        self._limiter = RateLimiter(settings.rate)
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> ApiClient:
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            headers={"X-API-Key": self._key, "Accept": "application/json"},
            timeout=httpx.Timeout(self.settings.timeout),
            limits=httpx.Limits(max_connections=self.settings.concurrency),
            follow_redirects=False,  # a redirect could carry the header to another host
            trust_env=False,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._client is not None
        await self._client.aclose()

    async def get_json(
        self, path: str, params: dict[str, Any] | None = None, *, missing_ok: bool = False
    ) -> Any:
        """GET `path` (relative to the API URL) and decode its JSON, retrying transient failures.
        With `missing_ok`, a 404 answers None (a record that does not exist)."""
        endpoint = path
        retrying = tenacity.AsyncRetrying(
            retry=tenacity.retry_if_exception_type(_RETRYABLE),
            wait=_WaitRetryAfter(self.settings.backoff),
            stop=tenacity.stop_after_attempt(self.settings.retries),
            before_sleep=self._before_sleep(endpoint),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._get_once(path, params, missing_ok)
        except RetryableStatus as exc:
            raise ApiUnavailable(
                f"{endpoint}: HTTP {exc.status} after {self.settings.retries} attempts; the API is not answering, try later"
            ) from None
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise ApiUnavailable(
                f"{endpoint}: {type(exc).__name__} after {self.settings.retries} attempts "
                f"({self.redact(exc) or 'no detail'}); is {self.redact(self.base_url)} reachable?"
            ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _before_sleep(self, endpoint: str):  # type: ignore[no-untyped-def]
        def hook(state: tenacity.RetryCallState) -> None:
            self.retried += 1
            exc = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0.0
            if isinstance(exc, RetryableStatus) and exc.status == 429:
                self._limiter.pause(wait)  # everyone waits, not only this request
            what = f"HTTP {exc.status}" if isinstance(exc, RetryableStatus) else type(exc).__name__
            log.info("%s: %s, retry %d in %.2f s", endpoint, what, state.attempt_number, wait)

        return hook

    async def _get_once(self, path: str, params: dict[str, Any] | None, missing_ok: bool) -> Any:
        assert self._client is not None
        async with self._slots:
            await self._limiter.acquire()
            response = await self._client.get(path, params=params)
        self.requests += 1
        status = response.status_code
        if status == 429 or status >= 500:
            raise RetryableStatus(
                status, parse_retry_after(response.headers.get("Retry-After")), path
            )
        if status in (401, 403):
            raise ApiUnavailable(
                f"{path}: HTTP {status}: the API refused the key in JUVONNO_DQ_API_KEY"
            )
        if status == 404 and missing_ok:
            return None
        if status != 200:
            raise ApiUnavailable(f"{path}: HTTP {status} (expected 200); check --api-url")
        try:
            return json.loads(response.content)
        except ValueError:
            raise ApiUnavailable(
                f"{path}: the answer is not JSON (HTTP 200, {len(response.content)} bytes)"
            ) from None
