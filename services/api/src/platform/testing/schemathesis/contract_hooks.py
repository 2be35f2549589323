"""Schemathesis hooks for the API's contract test (platform/contract.int.test.ts).

openapi.yaml states a few rules in prose because JSON Schema cannot express them: a cursor is one
the server returned, a part size cuts the declared size into at most 10,000 parts, and a file name
is at most 255 bytes of UTF-8 after NFC normalisation (a path: its names, its folders at most 768
bytes and no `.` or `..` segment). A request that meets the schema but breaks
one of them is refused with 400 and that rule's own code. Only then is the "schema-valid request
rejected" failure dropped: the answer must name the rule's code, and the request, read here
independently of the server, must really break that rule. Every other 400 still fails the run.

Tags (in a body, a lifecycle rule's `tag`, or the `tag` filter) are the one pattern with Unicode
property classes (`\p{L}`, `\p{M}`, `\p{N}`), which the generator approximates with whole code
blocks, unassigned code points included; a tag is checked here with Python's own character database, so only a tag that really
breaks the rule is let through.
"""

import unicodedata

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData

MAX_PARTS = 10_000
MAX_NAME_BYTES = 255
MAX_FOLDER_BYTES = 768
MAX_PATH_BYTES = 1024


@schemathesis.hook
def filter_failure(ctx, failure, case, response):
    if not isinstance(failure, RejectedPositiveData):
        return True
    if has_null_path_parameter(case):
        return False
    return not breaks_prose_rule(response.status_code, problem(response), case)


def has_null_path_parameter(case):
    """A chain that takes a path parameter from a response field which was null (a lifecycle rule
    without a folder: `folder_id: null`) sends `/v1/folders/None`. No path parameter's schema allows
    null, so that request was never schema-valid: the server's 400 is the right answer."""
    return any(value is None for value in (case.path_parameters or {}).values())


def problem(response):
    try:
        document = response.json()
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def breaks_prose_rule(status, document, case):
    query = case.query or {}
    body = case.body if isinstance(case.body, dict) else {}
    code = document.get("code")
    if status != 400:
        return False
    if code == "validation_failed":
        # The tag filter and a webhook endpoint's `tag` are a `Tag` too; the validator's refusal
        # names only that field.
        paths = {error.get("path") for error in document.get("errors") or [] if isinstance(error, dict)}
        if paths == {"/query/tag"}:
            tag = query.get("tag")
        elif paths == {"/body/tag"}:
            tag = body.get("tag")
        else:
            return False
        return isinstance(tag, str) and not is_tag(tag)
    if code == "invalid_cursor":
        # The public file listing of a share link takes its cursor in the body (with the password).
        return "cursor" in query or "cursor" in body
    if code == "invalid_part_size":
        size, part_size = body.get("size"), body.get("part_size")
        return is_int(size) and is_int(part_size) and part_size > 0 and -(-int(size) // int(part_size)) > MAX_PARTS
    if code == "invalid_file_name":
        name = body.get("name")
        return isinstance(name, str) and breaks_path_rule(unicodedata.normalize("NFC", name))
    if code == "invalid_folder_name":
        value = body.get("path", body.get("name"))
        return isinstance(value, str) and breaks_folder_rule(unicodedata.normalize("NFC", value))
    if code == "invalid_tags":
        # A file's tags, or the one tag of a lifecycle rule or a webhook endpoint's filter.
        tags = body.get("tags")
        if isinstance(body.get("tag"), str):
            tags = [body.get("tag")]
        return isinstance(tags, list) and any(isinstance(tag, str) and not is_tag(tag) for tag in tags)
    return False


def utf8_bytes(text):
    return len(text.encode("utf-8", "surrogatepass"))


def breaks_path_rule(path):
    """A name or `/`-separated path: each name at most 255 bytes and not `.` or `..`; the folders at
    most 768 bytes, the whole path at most 1024."""
    segments = path.split("/")
    folders = "/".join(segments[:-1])
    return (
        any(utf8_bytes(segment) > MAX_NAME_BYTES or segment in (".", "..") for segment in segments)
        or utf8_bytes(folders) > MAX_FOLDER_BYTES
        or utf8_bytes(path) > MAX_PATH_BYTES
    )


def breaks_folder_rule(path):
    """A folder path: each name at most 255 bytes and not `.` or `..`, at most 768 bytes in all."""
    segments = path.split("/")
    return any(utf8_bytes(segment) > MAX_NAME_BYTES or segment in (".", "..") for segment in segments) or utf8_bytes(path) > MAX_FOLDER_BYTES


def is_tag(text):
    """openapi.yaml's `Tag`: spaces, then a letter or digit, then letters, marks, digits, space, `_.:+-`."""
    rest = text.lstrip(" ")
    if not rest or not unicodedata.category(rest[0]).startswith(("L", "N")):
        return False
    return all(char in " _.:+-" or unicodedata.category(char).startswith(("L", "M", "N")) for char in rest[1:])


def is_int(value):
    """JSON Schema's integer: `5242880.0` is one too, as it is to JavaScript."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return isinstance(value, int) or value.is_integer()
