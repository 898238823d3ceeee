"""A case opened to police after its application: police's services are sent it then.

Police's threat service opens its pending assessment task (PROCESS.md step 5) from
``case.application_received`` alone, and its gate lets that event through only while a
consent or legal basis opens the case's reference to police (README: without the
consent, the threat service never hears of the case). A consent recorded after the
application (PROCESS.md: step 4 may come after step 1), or given again after a
withdrawal purged the task, would otherwise open the case to police at intake while
police's services never hear of it, and police could not assess the threat.

So when a grant recorded on its own (a consent, a legal basis) opens the case's
reference to police's services where it was closed, intake sends them the application's
event again, under a new id: their inbox took the first delivery, withheld, as done.
Police alone get it: social services' services had it from the start, and to the
follow-up timeline a second one would be a second application. It is written in the
grant's transaction, after the grant's own event: both travel on police's case topic,
keyed by the case, so police's gate knows of the grant before it decides on the
application.

Not covered: a consent that takes effect only later (``valid_from`` in the future, on
the application or recorded on its own) opens nothing when recorded, so nothing is sent
then, and nothing runs when it starts (the expiry sweep, ``access.expiry_sweep``, acts on
ends only): police's services never hear of such a case, and a later grant finds the
case open to police already and sends nothing either.
"""

from __future__ import annotations

from avhopp_intake.adapters.case_repository import CaseRepository
from avhopp_shared.access.categories import DEFAULT_PURPOSE, Category
from avhopp_shared.access.event_gate import service_caller
from avhopp_shared.access.gate import DisclosureGate
from avhopp_shared.errors import NotFound
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.policy.access_decision import POLICY_UNAVAILABLE
from avhopp_shared.policy.engine import PolicyError
from avhopp_shared.uow import UnitOfWork

POLICE = "police"
#: Police's services as their consumer decides on intake's events: the threat service,
#: the one police service that hears of a case (services/threat app.py).
POLICE_SERVICES = service_caller("threat", POLICE)
_CASE_REF = Category.CASE_REF.value


async def police_know_of(uow: UnitOfWork, gate: DisclosureGate, case_id: str) -> bool:
    """Whether police's services may now see the case's reference, as their gate decides
    on the application's event (``access.event_gate``), by the state this unit of work sees.

    A policy that gives no answer fails the change (``PolicyError``, 503): taken as a
    "no", a grant that opens the case would be recorded and police never told of it."""
    [(state, version)] = (await gate.states_of(uow.session, [case_id])).values()
    decision = gate.decision(
        recipient=POLICE_SERVICES,
        purpose=DEFAULT_PURPOSE[POLICE].value,
        case_id=case_id,
        categories=[_CASE_REF],
        state=state,
        now=gate.clock(),
        version=version,
    )
    if POLICY_UNAVAILABLE in decision.withheld.values():
        raise PolicyError("no policy answer on whether police's services know of the case")
    return _CASE_REF in decision.allowed


async def send_if_opened(
    uow: UnitOfWork, gate: DisclosureGate, case_id: str, knew: bool
) -> EventEnvelope | None:
    """Stages police's copy of the application again, after the event of the grant just
    staged, when police's services did not know of the case before the grant (``knew``)
    and do now; the event sent, or None."""
    if knew or not await police_know_of(uow, gate, case_id):
        return None
    application = await CaseRepository(uow.session).get(case_id)
    if application is None:
        raise NotFound("case", case_id)
    # Cut as every copy is cut (access.event_audiences), for police's audience alone;
    # staged after the grant's event, so the relay publishes it after that.
    return uow.emit(application.received_event(), case_id=case_id, to=(POLICE,))
