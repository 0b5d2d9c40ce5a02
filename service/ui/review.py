"""The clerk's pages: the review queue, one claim with its decision and explanation, and the form
that confirms or corrects the labels and then opens the next claim of the queue. A clerk sees the
claims of the tenants its key is granted only; another tenant's claim is "not found"."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request, status
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from claims.anonymizer.engine import AnonymizerInputError
from claims.taxonomy import TASKS, load_taxonomy
from service.deps import SessionDep, StateDep
from service.orm import Claim
from service.reviewing import ClaimNotFound, review_claim
from service.schemas import NO_CONTROL_PATTERN
from service.store import AlreadyReviewed, ReviewConflict, get_claim, review_queue, reviews_of
from service.ui.pages import ClerkDep, render
from service.ui.sessions import PageSession, tokens_match

router = APIRouter(prefix="/ui", include_in_schema=False)
PAGE_SIZE = 25
MAX_COMMENT = 2_000
DEPARTMENTS = load_taxonomy().labels("department")
NO_CONTROL = re.compile(NO_CONTROL_PATTERN)  # as the API's review comment: no ANSI escapes
OVERRIDE_VALUES = {"": False, "on": True}  # the checkbox sends "on" or nothing; anything else is refused


def _department(value: str | None) -> str | None:
    return value if value in DEPARTMENTS else None


def _queue_link(department: str | None, **extra: Any) -> str:
    params = {"department": department, **extra}
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return "/ui/review" + (f"?{query}" if query else "")


@router.get("/review")
def queue(
    request: Request,
    session: SessionDep,
    user: ClerkDep,
    department: Annotated[str | None, Query(max_length=32)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    chosen = _department(department)
    rows, count = review_queue(session, chosen, PAGE_SIZE, (page - 1) * PAGE_SIZE, user.tenants)
    pages = max(1, -(-count // PAGE_SIZE))
    return render(
        request,
        "review.html",
        {
            "rows": rows,
            "count": count,
            "page": page,
            "pages": pages,
            "department": chosen,
            "departments": DEPARTMENTS,
            "previous_link": _queue_link(chosen, page=page - 1) if page > 1 else None,
            "next_link": _queue_link(chosen, page=page + 1) if page < pages else None,
            "saved": request.query_params.get("saved"),
            "csrf": user.csrf,
        },
        user=user,
    )


def _claim_page(
    request: Request,
    session: SessionDep,
    user: PageSession,
    claim: Claim,
    department: str | None,
    *,
    message: str | None = None,
    status_code: int = 200,
    chosen: dict[str, str] | None = None,
) -> Response:
    taxonomy = load_taxonomy()
    return render(
        request,
        "claim.html",
        {
            "claim": claim,
            "reviews": reviews_of(session, claim.id),
            "labels": {task: taxonomy.labels(task) for task in TASKS},
            "chosen": chosen or {task: getattr(claim, task) for task in TASKS},
            "explanation": getattr(claim, "explanation", None),
            "department": department,
            "back_link": _queue_link(department),
            "saved": request.query_params.get("saved"),
            "message": message,
            "csrf": user.csrf,
        },
        user=user,
        status_code=status_code,
    )


@router.get("/claims/{claim_id}")
def claim_page(
    request: Request,
    claim_id: str,
    session: SessionDep,
    user: ClerkDep,
    department: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    claim = get_claim(session, claim_id[:36], user.tenants)
    if claim is None:
        return render(
            request, "error.html", {"title": "not_found_title", "message": "not_found"}, user=user, status_code=404
        )
    return _claim_page(request, session, user, claim, _department(department))


@router.post("/claims/{claim_id}/review")
async def submit_review(
    request: Request,
    claim_id: str,
    session: SessionDep,
    state: StateDep,
    user: ClerkDep,
    damage_type: Annotated[str, Form(max_length=32)] = "",
    urgency: Annotated[str, Form(max_length=32)] = "",
    department: Annotated[str, Form(max_length=32)] = "",
    comment: Annotated[str, Form(max_length=20_000)] = "",
    override: Annotated[str, Form(max_length=8)] = "",
    review_count: Annotated[int, Form(ge=0, le=1_000_000)] = 0,
    queue_department: Annotated[str, Form(max_length=32)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    if not tokens_match(user.csrf, csrf):
        return render(
            request, "error.html", {"title": "forbidden_title", "message": "csrf_failed"}, user=user, status_code=403
        )
    claim_id = claim_id[:36]
    queue_filter = _department(queue_department)
    labels = {"damage_type": damage_type, "urgency": urgency, "department": department}
    claim = await run_in_threadpool(get_claim, session, claim_id, user.tenants)
    if claim is None:
        return render(
            request, "error.html", {"title": "not_found_title", "message": "not_found"}, user=user, status_code=404
        )

    async def form_again(message: str, status_code: int) -> Response:
        """The claim page with ``message``, showing the claim as it is now (a conflict changed it);
        built off the event loop, as it reads the database."""

        def build() -> Response:
            session.expire_all()
            current = session.get(Claim, claim_id) or claim
            return _claim_page(request, session, user, current, queue_filter, message=message, status_code=status_code)

        return await run_in_threadpool(build)

    taxonomy = load_taxonomy()
    problem = None
    if any(labels[task] not in taxonomy.labels(task) for task in TASKS):
        problem = "invalid_label"
    elif len(comment) > MAX_COMMENT:
        problem = "comment_too_long"
    elif override not in OVERRIDE_VALUES or not NO_CONTROL.match(comment):
        problem = "bad_input"
    elif state.triager is None and comment.strip():
        problem = "model_loading"
    if problem is not None:
        # The clerk's comment is not echoed back: it may hold personal data not yet anonymized.
        return await form_again(problem, 422)
    try:
        await review_claim(
            state,
            session,
            state.triager,  # type: ignore[arg-type]  # only used for a comment, checked above
            claim_id,
            labels,
            comment=comment or None,
            override=OVERRIDE_VALUES[override],
            reviewer_key_id=user.key_id,
            tenants=user.tenants,
            seen_review_count=review_count,
        )
    except ClaimNotFound:
        return render(
            request, "error.html", {"title": "not_found_title", "message": "not_found"}, user=user, status_code=404
        )
    except AlreadyReviewed:
        return await form_again("conflict_reviewed", 409)
    except ReviewConflict:
        return await form_again("conflict_concurrent", 409)
    except AnonymizerInputError:
        return await form_again("bad_input", 422)
    except HTTPException as error:  # the admission's 429: this key has its share of texts in flight
        if error.status_code != status.HTTP_429_TOO_MANY_REQUESTS:
            raise
        busy = await form_again("busy", error.status_code)
        busy.headers.update(error.headers or {})
        return busy
    following, _ = await run_in_threadpool(review_queue, session, queue_filter, 1, 0, user.tenants)
    if following:
        query = urlencode({k: v for k, v in {"department": queue_filter, "saved": "1"}.items() if v})
        return RedirectResponse(f"/ui/claims/{following[0].id}?{query}", status_code=303)
    return RedirectResponse(_queue_link(queue_filter, saved="done"), status_code=303)
