package avhopp.access_test.consent

import rego.v1

import data.avhopp.test.fixtures

# The fixture's legal basis, recorded by the owner of the base input's records
# (Malmö's social services): a basis opens only its recorder's records.
owners_basis := fixtures.overlay(fixtures.legal_basis, {"granted_by": fixtures.social_owner})

consent(changes) := fixtures.overlay(fixtures.consent, changes)

now := fixtures.now

allowed := ["allowed", "consent", "consent-1"]

no_consent := ["withheld", "no consent"]

# 10 kap. 1 § OSL: each case is police reading case_ref (a consent cell).
cases := [
	{"name": "no consent", "given": {}, "want": no_consent},
	{"name": "an active consent", "given": {"consents": [fixtures.consent]}, "want": allowed},
	{"name": "a withdrawn consent", "given": {"consents": [consent({"status": "withdrawn"})]}, "want": no_consent},
	{"name": "an expired status", "given": {"consents": [consent({"status": "expired"})]}, "want": no_consent},
	{"name": "past valid_to", "given": {"consents": [consent({"valid_to": now - 1})]}, "want": no_consent},
	{"name": "valid_to is exclusive", "given": {"consents": [consent({"valid_to": now})]}, "want": no_consent},
	{"name": "before valid_to", "given": {"consents": [consent({"valid_to": now + 1})]}, "want": allowed},
	{"name": "not yet valid", "given": {"consents": [consent({"valid_from": now + 1})]}, "want": no_consent},
	{"name": "valid_from is inclusive", "given": {"consents": [consent({"valid_from": now})]}, "want": allowed},
	{"name": "a valid_from that is no time", "given": {"consents": [consent({"valid_from": null})]}, "want": no_consent},
	{"name": "a valid_to that is no time", "given": {"consents": [consent({"valid_to": "never"})]}, "want": no_consent},
	{"name": "a wrong purpose", "given": {"consents": [consent({"purposes": ["followup"]})]}, "want": no_consent},
	{"name": "the caller's organisation named", "given": {"consents": [consent({"recipients": [{"agency": "police", "organisation": "polisen-syd"}]})]}, "want": allowed},
	{"name": "another organisation named", "given": {"consents": [consent({"recipients": [{"agency": "police", "organisation": "polisen-nord"}]})]}, "want": no_consent},
	{"name": "another agency named", "given": {"consents": [consent({"recipients": [{"agency": "probation", "organisation": null}]})]}, "want": no_consent},
	{"name": "no recipients", "given": {"consents": [consent({"recipients": []})]}, "want": no_consent},
	{"name": "a wrong category", "given": {"consents": [consent({"categories": ["identity"]})]}, "want": no_consent},
	{"name": "one of several recipients", "given": {"consents": [consent({"recipients": [{"agency": "probation", "organisation": null}, {"agency": "police", "organisation": null}]})]}, "want": allowed},
	{"name": "a withdrawn and an active consent", "given": {"consents": [consent({"id": "consent-0", "status": "withdrawn"}), fixtures.consent]}, "want": allowed},
	{"name": "two covering consents give the smallest id", "given": {"consents": [consent({"id": "consent-2"}), fixtures.consent]}, "want": allowed},
]

test_consent_covers_only_an_active_matching_consent if {
	count(fixtures.failures([object.union(case, {"category": "case_ref"}) | some case in cases])) == 0
}

test_a_consent_never_opens_a_cell_the_matrix_closes if {
	given := {"consents": [consent({"categories": ["health"]})], "categories": ["health"]}
	fixtures.decide(given).withheld.health == "not permitted for police"
}

test_a_consent_for_the_social_services_purpose_opens_threat_for_them if {
	given := {
		"caller": fixtures.social, "purpose": "intervention",
		"owner": {"agency": "police", "organisation": "polisen-syd"},
		"consents": [consent({
			"recipients": [{"agency": "social", "organisation": "malmo"}],
			"categories": ["threat"], "purposes": ["intervention"],
		})],
		"categories": ["threat"],
	}
	fixtures.decide(given).allowed.threat == {"rule": "consent", "basis": "consent-1"}
}

# Social services' followup cell is own_or_consent: their own follow-up notes
# always, police's relapse report only under a consent (seed 002, "Uppföljning").
# Police open their relapse report to social services: recorded by police, who own it.
police_basis_for_social := fixtures.overlay(fixtures.legal_basis, {
	"recipient": {"agency": "social", "organisation": null}, "categories": ["followup"],
	"granted_by": {"agency": "police", "organisation": "polisen-syd"},
})

police_relapse(changes) := fixtures.overlay(
	{
		"caller": fixtures.social, "purpose": "intervention",
		"owner": {"agency": "police", "organisation": "polisen-syd"},
		"categories": ["followup"],
	},
	changes,
)

social_followup_consent := consent({
	"recipients": [{"agency": "social", "organisation": null}],
	"categories": ["followup"], "purposes": ["intervention"],
})

own_or_consent_cases := [
	{
		"name": "another agency's record without a consent",
		"given": police_relapse({}), "category": "followup",
		"want": ["withheld", "no consent"],
	},
	{
		"name": "another agency's record under a consent",
		"given": police_relapse({"consents": [social_followup_consent]}), "category": "followup",
		"want": ["allowed", "consent", "consent-1"],
	},
	{
		"name": "another agency's record under a withdrawn consent",
		"given": police_relapse({"consents": [consent({
			"status": "withdrawn", "recipients": [{"agency": "social", "organisation": null}],
			"categories": ["followup"], "purposes": ["intervention"],
		})]}),
		"category": "followup", "want": ["withheld", "no consent"],
	},
	{
		"name": "their own record without any consent",
		"given": police_relapse({"owner": fixtures.social_owner}), "category": "followup",
		"want": ["allowed", "own", null],
	},
	{
		"name": "another municipality's record without a consent",
		"given": police_relapse({"owner": {"agency": "social", "organisation": "lund"}}),
		"category": "followup", "want": ["withheld", "no consent"],
	},
	{
		"name": "another agency's record under a legal basis",
		"given": police_relapse({"legal_bases": [police_basis_for_social]}),
		"category": "followup", "want": ["allowed", "legal_basis", "basis-1"],
	},
	{
		"name": "another agency's record under a municipality's legal basis",
		"given": police_relapse({"legal_bases": [fixtures.overlay(police_basis_for_social, {"granted_by": fixtures.social_owner})]}),
		"category": "followup", "want": ["withheld", "no consent"],
	},
]

test_an_own_or_consent_cell_opens_for_the_owner_or_a_consent if {
	count(fixtures.failures(own_or_consent_cases)) == 0
}

# ACCESS.md gives police followup as "consent (status, relapse)": a consent to
# followup opens the follow-up status and relapse to police and never the rest
# of it (followup_detail: notes, abort reasons, the person's own view), which it
# covers for every agency whose followup cell it opens.
police_followup_consent := consent({"categories": ["followup"]})

test_under_a_follow_up_consent_police_see_the_follow_up_status_and_relapse_and_no_notes if {
	given := {"consents": [police_followup_consent], "categories": ["followup", "followup_detail"]}
	got := fixtures.decide(given)
	got.allowed == {"followup": {"rule": "consent", "basis": "consent-1"}}
	got.withheld == {"followup_detail": "not permitted for police"}
}

test_no_legal_basis_or_break_glass_opens_the_follow_up_detail_to_police if {
	given := {
		"legal_bases": [fixtures.overlay(owners_basis, {"categories": ["followup"]})],
		"break_glass": [fixtures.overlay(fixtures.break_glass, {"categories": ["followup"]})],
		"categories": ["followup", "followup_detail"],
	}
	got := fixtures.decide(given)
	got.allowed == {"followup": {"rule": "legal_basis", "basis": "basis-1"}}
	got.withheld == {"followup_detail": "not permitted for police"}
}

part_cases := [
	{
		"name": "a consent to followup covers its detail",
		"given": police_relapse({"consents": [social_followup_consent]}), "category": "followup_detail",
		"want": ["allowed", "consent", "consent-1"],
	},
	{
		"name": "a consent naming only the part covers nothing",
		"given": police_relapse({"consents": [consent({
			"recipients": [{"agency": "social", "organisation": null}],
			"categories": ["followup_detail"], "purposes": ["intervention"],
		})]}),
		"category": "followup_detail", "want": ["withheld", "no consent"],
	},
	{
		"name": "a consent to another category",
		"given": police_relapse({"consents": [consent({
			"recipients": [{"agency": "social", "organisation": null}],
			"categories": ["case_ref"], "purposes": ["intervention"],
		})]}),
		"category": "followup_detail", "want": ["withheld", "no consent"],
	},
	{
		"name": "a legal basis for followup covers its detail",
		"given": police_relapse({"legal_bases": [police_basis_for_social]}),
		"category": "followup_detail", "want": ["allowed", "legal_basis", "basis-1"],
	},
	{
		"name": "break-glass for followup covers its detail",
		"given": police_relapse({"break_glass": [fixtures.overlay(fixtures.break_glass, {
			"agency": "social", "organisation": "malmo", "user": "u-3", "categories": ["followup"],
		})]}),
		"category": "followup_detail", "want": ["allowed", "break_glass", "glass-1"],
	},
	{
		"name": "their own detail without any consent",
		"given": police_relapse({"owner": fixtures.social_owner}), "category": "followup_detail",
		"want": ["allowed", "own", null],
	},
]

test_a_consent_legal_basis_or_break_glass_to_followup_covers_its_detail_for_social_services if {
	count(fixtures.failures(part_cases)) == 0
}
