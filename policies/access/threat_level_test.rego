package avhopp.access_test.threat_level

import rego.v1

import data.avhopp.test.fixtures

# The fixture's legal basis, recorded by the owner of the base input's records
# (Malmö's social services): a basis opens only its recorder's records.
owners_basis := fixtures.overlay(fixtures.legal_basis, {"granted_by": fixtures.social_owner})

provider_member := {"agency": "provider", "organisation": "skyddat-boende-ab", "user": "u-40"}

police_member := {"agency": "police", "organisation": "polisen-syd", "user": "u-17"}

social_member := {"agency": "social", "organisation": "malmo", "user": "u-3"}

# A provider the board decided may know the housing it runs, under the person's consent.
provider_decided := {
	"caller": fixtures.provider,
	"purpose": "intervention",
	"consents": [fixtures.overlay(fixtures.consent, {
		"recipients": [{"agency": "provider", "organisation": null}],
		"categories": ["protected_location"],
		"purposes": ["intervention"],
	})],
	"disclosure_decisions": [location_decided],
}

location_decided := fixtures.overlay(fixtures.disclosure, {"categories": ["protected_location"]})

provider_glass := fixtures.overlay(fixtures.break_glass, {
	"agency": "provider", "organisation": "skyddat-boende-ab", "user": "u-40",
})

narrowed := ["withheld", "narrowed to the case team at high threat"]

cases := [
	{"name": "a decided provider at low threat", "given": fixtures.overlay(provider_decided, {"threat_level": "low"}), "want": ["allowed", "decided", "decision-1"]},
	{"name": "a decided provider with no assessment known", "given": fixtures.overlay(provider_decided, {"threat_level": null}), "want": ["allowed", "decided", "decision-1"]},
	{"name": "a decided provider at high threat", "given": fixtures.overlay(provider_decided, {"threat_level": "high"}), "want": narrowed},
	{
		"name": "a decided provider on the team at high threat",
		"given": fixtures.overlay(provider_decided, {"threat_level": "high", "team": [provider_member]}),
		"want": ["allowed", "team", "decision-1"],
	},
	# Being named to the team never stands in for the board's decision or the
	# person's consent: a high threat narrows, it never widens.
	{
		"name": "a provider on the team without a decision at high threat",
		"given": {"caller": fixtures.provider, "threat_level": "high", "team": [provider_member]},
		"want": ["withheld", "no disclosure decision"],
	},
	{
		"name": "a provider on the team without a decision at low threat",
		"given": {"caller": fixtures.provider, "threat_level": "low", "team": [provider_member]},
		"want": ["withheld", "no disclosure decision"],
	},
	{
		"name": "a provider on the team with a consent but no decision at high threat",
		"given": fixtures.overlay(provider_decided, {"threat_level": "high", "team": [provider_member], "disclosure_decisions": []}),
		"want": ["withheld", "no disclosure decision"],
	},
	{
		"name": "a provider on the team with a decision but no consent at high threat",
		"given": fixtures.overlay(provider_decided, {"threat_level": "high", "team": [provider_member], "consents": []}),
		"want": ["withheld", "no consent"],
	},
	{
		"name": "a provider on the team under a legal basis but without a decision at high threat",
		"given": {
			"caller": fixtures.provider, "threat_level": "high", "team": [provider_member],
			"legal_bases": [fixtures.overlay(owners_basis, {"recipient": {"agency": "provider", "organisation": null}, "categories": ["protected_location"]})],
		},
		"want": ["withheld", "no disclosure decision"],
	},
	# Break-glass stands in for the consent, never for the board's decision
	# (ACCESS.md, "decided"), at any threat level.
	{
		"name": "a provider on the team under break-glass without a decision at high threat",
		"given": {"caller": fixtures.provider, "threat_level": "high", "team": [provider_member], "break_glass": [provider_glass]},
		"want": ["withheld", "no disclosure decision"],
	},
	{
		"name": "a provider on the team under break-glass with a decision at high threat",
		"given": {"caller": fixtures.provider, "threat_level": "high", "team": [provider_member], "break_glass": [provider_glass], "disclosure_decisions": [location_decided]},
		"want": ["allowed", "break_glass", "glass-1"],
	},
	{
		"name": "the owning provider on the team at high threat",
		"given": {"caller": fixtures.provider, "owner": {"agency": "provider", "organisation": "skyddat-boende-ab"}, "threat_level": "high", "team": [provider_member]},
		"want": ["allowed", "team", null],
	},
	{
		"name": "the social services caseworker on the team at high threat",
		"given": {"caller": fixtures.social, "threat_level": "high", "team": [social_member]},
		"want": ["allowed", "team", null],
	},
	{
		"name": "the owning social services off the team at high threat",
		"given": {"caller": fixtures.social, "threat_level": "high"},
		"want": ["withheld", "not on the case team"],
	},
	{
		"name": "a provider under break-glass with a decision at high threat",
		"given": {"caller": fixtures.provider, "threat_level": "high", "break_glass": [provider_glass], "disclosure_decisions": [location_decided]},
		"want": ["allowed", "break_glass", "glass-1"],
	},
	{
		"name": "a provider under break-glass without a decision at high threat",
		"given": {"caller": fixtures.provider, "threat_level": "high", "break_glass": [provider_glass]},
		"want": narrowed,
	},
	{
		"name": "the owning provider at high threat, not on the team",
		"given": {"caller": fixtures.provider, "owner": {"agency": "provider", "organisation": "skyddat-boende-ab"}, "threat_level": "high"},
		"want": narrowed,
	},
	{"name": "police on the team at high threat", "given": {"threat_level": "high", "team": [police_member]}, "want": ["allowed", "team", null]},
	{"name": "police off the team at high threat", "given": {"threat_level": "high"}, "want": ["withheld", "not on the case team"]},
	{
		"name": "sis stays closed at high threat, even on the team",
		"given": {"caller": fixtures.sis, "threat_level": "high", "team": [{"agency": "sis", "organisation": "sis-hem-1", "user": "u-61"}]},
		"want": ["withheld", "not permitted for sis"],
	},
	{
		"name": "police under a legal basis but off the team at high threat",
		"given": {"threat_level": "high", "legal_bases": [fixtures.overlay(owners_basis, {"categories": ["protected_location"]})]},
		"want": ["withheld", "not on the case team"],
	},
	{
		"name": "probation stays closed at high threat, even on the team",
		"given": {"caller": fixtures.probation, "threat_level": "high", "team": [{"agency": "probation", "organisation": "frivarden-syd", "user": "u-52"}]},
		"want": ["withheld", "not permitted for probation"],
	},
]

test_at_high_threat_the_new_home_town_is_for_the_case_team_alone if {
	count(fixtures.failures([object.union(case, {"category": "protected_location"}) | some case in cases])) == 0
}

test_a_high_threat_narrows_no_other_category if {
	given := fixtures.overlay(provider_decided, {"threat_level": "high", "categories": ["protected_location", "threat"]})
	decision := fixtures.decide(fixtures.overlay(given, {"consents": [fixtures.overlay(fixtures.consent, {
		"recipients": [{"agency": "provider", "organisation": null}],
		"categories": ["protected_location", "threat"],
		"purposes": ["intervention"],
	})], "disclosure_decisions": [fixtures.overlay(fixtures.disclosure, {"categories": ["protected_location", "threat"]})]}))
	decision.allowed.threat.rule == "decided"
	decision.withheld == {"protected_location": "narrowed to the case team at high threat"}
}

# The same table at a normal level: whatever a high threat opens is open then too.
test_a_high_threat_never_opens_what_a_normal_level_keeps_closed if {
	widened := {case.name |
		some case in cases
		high := fixtures.outcome(object.union(case, {"category": "protected_location", "given": fixtures.overlay(case.given, {"threat_level": "high"})}))
		high[0] == "allowed"
		normal := fixtures.outcome(object.union(case, {"category": "protected_location", "given": fixtures.overlay(case.given, {"threat_level": "low"})}))
		normal[0] != "allowed"
		print(case.name, "- opened at high threat, closed at low:", normal)
	}
	count(widened) == 0
}
