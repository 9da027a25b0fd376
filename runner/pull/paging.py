"""Every list endpoint to its end, whatever envelope it answers with.

Envelopes (issue 16): `{total, page, count, list}` (paged, `page` from 1),
`{count, data}` (staff: one answer) and a bare array (branches: one answer).
A paged listing is complete only when its pages hold exactly `total` records
with `total` distinct ids; if records moved between pages while paging (the
data changed), the listing is read again, at most `LISTING_ATTEMPTS` times.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

import tenacity

from runner.pull.errors import ApiUnavailable
from runner.pull.http import ApiClient

PAGE_SIZE = 100
LISTING_ATTEMPTS = 3


class PagesDisagree(ApiUnavailable):
    """The pages of one listing do not add up to its `total`."""


def _records_of(answer: Any, endpoint: str) -> tuple[list[Any], int | None]:
    """The records of one answer and the total it announces (None: the answer is the whole list)."""
    if isinstance(answer, list):
        return answer, None
    if isinstance(answer, dict) and isinstance(answer.get("list"), list) and "total" in answer:
        total = answer["total"]
        if not isinstance(total, int) or isinstance(total, bool) or total < 0:
            raise ApiUnavailable(f"{endpoint}: 'total' is not a count")
        return answer["list"], total
    if isinstance(answer, dict) and isinstance(answer.get("data"), list):
        count = answer.get("count")
        if count is not None and count != len(answer["data"]):
            raise PagesDisagree(
                f"{endpoint}: answered {len(answer['data'])} records but count {count}"
            )
        return answer["data"], None
    shape = sorted(answer) if isinstance(answer, dict) else type(answer).__name__
    raise ApiUnavailable(
        f"{endpoint}: unexpected answer shape {shape} (expected {{total, page, count, list}}, {{count, data}} or a list)"
    )


async def _list_once(api: ApiClient, path: str, params: dict[str, Any], paged: bool) -> list[Any]:
    if not paged:
        records, total = _records_of(await api.get_json(path, params or None), path)
        if total is None:
            return records
        raise ApiUnavailable(
            f"{path}: answered a page ({{total, list}}) where one whole list was expected"
        )
    first = await api.get_json(path, {**params, "page": 1, "count": PAGE_SIZE})
    records, total = _records_of(first, path)
    if total is None:
        if (
            len(records) >= PAGE_SIZE
        ):  # a full page without a total: there may be more we cannot ask for
            raise ApiUnavailable(
                f"{path}: answered {len(records)} records without a total; cannot tell if that is all"
            )
        return records
    pages = max(1, math.ceil(total / PAGE_SIZE))
    rest = await asyncio.gather(
        *(
            api.get_json(path, {**params, "page": n, "count": PAGE_SIZE})
            for n in range(2, pages + 1)
        )
    )
    for n, answer in enumerate(rest, start=2):
        more, page_total = _records_of(answer, path)
        if page_total != total:
            raise PagesDisagree(
                f"{path}: page {n} announces total {page_total}, page 1 announced {total}"
            )
        records.extend(more)
    ids = {r.get("id") if isinstance(r, dict) else r for r in records}
    if len(records) != total or len(ids) != total:
        raise PagesDisagree(
            f"{path}: {pages} page(s) held {len(records)} records ({len(ids)} distinct) but total is {total}"
        )
    return records


async def list_all(
    api: ApiClient, path: str, params: dict[str, Any] | None = None, *, paged: bool = True
) -> list[Any]:
    """All records of a listing, checked against its total (read again if the pages disagree)."""
    retrying = tenacity.AsyncRetrying(
        retry=tenacity.retry_if_exception_type(PagesDisagree),
        stop=tenacity.stop_after_attempt(LISTING_ATTEMPTS),
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            return await _list_once(api, path, dict(params or {}), paged)
    raise AssertionError("unreachable")  # pragma: no cover
