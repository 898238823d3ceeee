"""Every event payload the platform knows, by type: one place to parse and to export schemas."""

from __future__ import annotations

from functools import cache

from pydantic import create_model

from avhopp_shared.access.catalogue import platform_catalogue
from avhopp_shared.events.access_events import (
    BreakGlassApproved,
    BreakGlassGranted,
    BreakGlassRejected,
    DisclosureDecided,
    LegalBasisRecorded,
    ProtectedLocationRead,
    TeamMemberAdded,
    TeamMemberRemoved,
)
from avhopp_shared.events.case_events import ApplicationReceived, EventPayload
from avhopp_shared.events.consent_events import ConsentGranted, ConsentWithdrawn
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.followup_events import ExitAborted, IncidentReported, PhaseChanged
from avhopp_shared.events.police_events import (
    CriminalHistoryChecked,
    ExitCompleted,
    PlacementAssessed,
    PoliceCaseAborted,
    PoliceCaseOpened,
    ProtectiveMeasureChanged,
    RelapseReported,
    ThreatAssessed,
    ThreatLevelChanged,
)
from avhopp_shared.events.responsibility_events import (
    ResponsibilityRecorded,
    ResponsibilityTransferred,
)
from avhopp_shared.events.social_events import (
    ActionPlanUpdated,
    AidDecided,
    IndividualAssessmentMade,
    InterventionsDecided,
    InvestigationStarted,
    NeedsMapped,
    ProviderCommissioned,
)

EVENT_TYPES: dict[str, type[EventPayload]] = {
    ApplicationReceived.event_type: ApplicationReceived,
    ConsentGranted.event_type: ConsentGranted,
    ConsentWithdrawn.event_type: ConsentWithdrawn,
    TeamMemberAdded.event_type: TeamMemberAdded,
    TeamMemberRemoved.event_type: TeamMemberRemoved,
    LegalBasisRecorded.event_type: LegalBasisRecorded,
    BreakGlassGranted.event_type: BreakGlassGranted,
    BreakGlassApproved.event_type: BreakGlassApproved,
    BreakGlassRejected.event_type: BreakGlassRejected,
    ProtectedLocationRead.event_type: ProtectedLocationRead,
    DisclosureDecided.event_type: DisclosureDecided,
    ThreatAssessed.event_type: ThreatAssessed,
    ThreatLevelChanged.event_type: ThreatLevelChanged,
    CriminalHistoryChecked.event_type: CriminalHistoryChecked,
    RelapseReported.event_type: RelapseReported,
    ProtectiveMeasureChanged.event_type: ProtectiveMeasureChanged,
    PoliceCaseOpened.event_type: PoliceCaseOpened,
    PoliceCaseAborted.event_type: PoliceCaseAborted,
    ExitCompleted.event_type: ExitCompleted,
    PlacementAssessed.event_type: PlacementAssessed,
    InterventionsDecided.event_type: InterventionsDecided,
    ProviderCommissioned.event_type: ProviderCommissioned,
    ActionPlanUpdated.event_type: ActionPlanUpdated,
    AidDecided.event_type: AidDecided,
    IndividualAssessmentMade.event_type: IndividualAssessmentMade,
    NeedsMapped.event_type: NeedsMapped,
    PhaseChanged.event_type: PhaseChanged,
    ExitAborted.event_type: ExitAborted,
    IncidentReported.event_type: IncidentReported,
    InvestigationStarted.event_type: InvestigationStarted,
    ResponsibilityRecorded.event_type: ResponsibilityRecorded,
    ResponsibilityTransferred.event_type: ResponsibilityTransferred,
}

#: Old name → new name of an event type that was renamed, read for one release: an
#: event written under the old name before the upgrade (still on its old topic, or
#: set aside as a dead letter) is still understood. Never published: what is not
#: yet sent is renamed in the outbox by the publisher's migration.
#: The responsibility events left ``avhopp.social``, which police read (social
#: services' migration 0021); drop these once no event of the old names is left.
RENAMED_EVENT_TYPES: dict[str, str] = {
    "social.responsibility_recorded": ResponsibilityRecorded.event_type,
    "social.responsibility_transferred": ResponsibilityTransferred.event_type,
}


class UnknownEventType(ValueError):
    pass


def known_event_type(event_type: str) -> bool:
    """Whether this release has a model for ``event_type`` (under its name or a former one)."""
    return RENAMED_EVENT_TYPES.get(event_type, event_type) in EVENT_TYPES


class UnreadablePayload(ValueError):
    """A payload of a known type that this release cannot read as its model: a copy
    missing a field it does not say was withheld, or one of a newer schema version.

    The message names fields and versions, never a value (it is logged and kept
    with a dead letter).
    """


class NewerSchemaVersion(UnreadablePayload):
    def __init__(self, event_type: str, version: int, known: int) -> None:
        super().__init__(
            f"{event_type}: schema version {version} is newer than this consumer reads ({known})"
        )


def parse_payload(envelope: EventEnvelope) -> EventPayload:
    """The payload, validated; for a copy cut by its publisher, the fields it holds.

    A copy that names withheld categories (access.event_audiences) may lack the
    fields of those, and of those only: they are absent from the payload
    returned (reading one raises), as from one the consuming gate cut.

    An envelope of a newer schema version than the model's is refused unread,
    even when its data would validate: a new version may give a field a new
    meaning, which read under the old one would be guessed at. One of an older
    version is read with today's model: a version only adds optional fields, so
    what validates means what it meant.
    """
    model = EVENT_TYPES.get(RENAMED_EVENT_TYPES.get(envelope.type, envelope.type))
    if model is None:
        raise UnknownEventType(envelope.type)
    if envelope.schema_version > model.schema_version:
        raise NewerSchemaVersion(envelope.type, envelope.schema_version, model.schema_version)
    withheld = envelope.withheld_categories
    if not withheld:
        return model.model_validate(envelope.data)
    catalogue = platform_catalogue()
    for name in model.model_fields.keys() - envelope.data.keys():
        required = model.model_fields[name].is_required()
        if required and catalogue.category_of(model, name) not in withheld:
            raise UnreadablePayload(
                f"{envelope.type}: {name} is missing, and its category is not withheld"
            )
    # Keyed by the model's own fields only (at most one model per subset of them);
    # a key of anything else is refused by validation, as in a whole payload.
    fields = frozenset(envelope.data.keys() & model.model_fields.keys())
    present = _copy_model(model, fields).model_validate(envelope.data)
    return model.model_construct(**{name: getattr(present, name) for name in envelope.data})


@cache
def _copy_model(model: type[EventPayload], fields: frozenset[str]) -> type[EventPayload]:
    """``model`` with only ``fields``, each validated as ``model`` validates it."""
    return create_model(  # type: ignore[call-overload, no-any-return]
        model.__name__,
        __base__=EventPayload,
        **{
            name: (info.annotation, info)
            for name, info in model.model_fields.items()
            if name in fields
        },
    )
