"""Unexpected errors: each gets an id, logged with its traceback and shown to the user
(the 500 page, the API's 500 answer) instead of the traceback."""

import logging
import uuid

logger = logging.getLogger("taizhang.errors")


def error_logged(request, exception) -> str:
    error_id = uuid.uuid4().hex[:12]
    logger.error("error %s on %s %s", error_id, request.method, request.path, exc_info=exception)
    return error_id
