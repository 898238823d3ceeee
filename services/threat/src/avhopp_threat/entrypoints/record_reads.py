"""The answer to a single read of one police record, of which perhaps only the case
reference may be shown."""

from __future__ import annotations

from fastapi.responses import JSONResponse

from avhopp_shared.access.categories import Category
from avhopp_shared.access.gate import Disclosure
from avhopp_shared.errors import NotFound
from avhopp_shared.web.disclosure import disclosed_response


def disclosed_record(disclosure: Disclosure) -> JSONResponse:
    """The filtered record; the 404 of a record that does not exist when the caller
    would be shown its case reference and nothing else.

    ``disclosed_response`` answers 404 only when nothing at all may be shown. A
    reader who may see the case's reference but not its threat category would get
    the case id alone, every other field withheld, for a case police assessed, and
    the 404 for one they did not: the status alone would tell that police hold an
    assessment, which is itself threat data (ACCESS.md, "Data categories"). Such a
    stub is left out of a listing for the same reason (``disclosed_list_response``);
    here it answers exactly as a missing record does, in one body that names neither
    the resource nor the id (``problems``). A reader shown some of the record's own
    content (the networks the person belonged to, under a consent to
    ``criminal_history``) still gets it: the person consented to that, and the
    content cannot come without the record. The read is audited all the same:
    ``Access.disclose`` has committed its entry by now.
    """
    if not disclosure.disclosed - {Category.CASE_REF.value}:
        raise NotFound("case data", "for this caller")
    return disclosed_response(disclosure)
