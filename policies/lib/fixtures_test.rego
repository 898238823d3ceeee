package avhopp.test.fixtures

import rego.v1

# Shared by the table-driven tests: one person per agency, a base input, and
# a way to run one table case through the decision. Nothing here is a real
# person; ids are made up. Test packages sit beside, not inside, the packages
# they test (avhopp.access_test.consent, not avhopp.access.consent_test):
# regorus leaves a parent package's rules undefined when read from a child.

now := 1795000000

hour := 3600

police := {"agency": "police", "organisation": "polisen-syd", "user": "u-17", "client_id": "police-demo"}

social := {"agency": "social", "organisation": "malmo", "user": "u-3", "client_id": "social-demo"}

provider := {"agency": "provider", "organisation": "skyddat-boende-ab", "user": "u-40", "client_id": "provider-demo"}

probation := {"agency": "probation", "organisation": "frivarden-syd", "user": "u-52", "client_id": "probation-demo"}

sis := {"agency": "sis", "organisation": "sis-hem-1", "user": "u-61", "client_id": "sis-demo"}

social_owner := {"agency": "social", "organisation": "malmo"}

base := {
	"caller": police,
	"purpose": "protection",
	"owner": social_owner,
	"case_id": "c-1",
	"categories": [],
	"now": now,
	"consents": [],
	"disclosure_decisions": [],
	"team": [],
	"legal_bases": [],
	"break_glass": [],
}

consent := {
	"id": "consent-1", "status": "active",
	"recipients": [{"agency": "police", "organisation": null}],
	"categories": ["case_ref", "identity"], "purposes": ["protection"],
	"valid_from": now - hour, "valid_to": null,
}

legal_basis := {
	"id": "basis-1", "reference": "10 kap. 18 a § OSL",
	"recipient": {"agency": "police", "organisation": null},
	"categories": ["case_ref"], "valid_from": now - hour, "valid_to": null,
}

break_glass := {
	"id": "glass-1", "agency": "police", "organisation": "polisen-syd", "user": "u-17",
	"categories": ["protected_location"], "valid_from": now - hour, "expires_at": now + hour,
}

disclosure := {"id": "decision-1", "provider_organisation": "skyddat-boende-ab", "categories": ["threat"]}

# b's keys replace a's whole; object.union alone would merge nested objects
# and leave, say, the base caller's organisation under an overridden caller.
overlay(a, b) := object.union(object.remove(a, [key | some key, _ in b]), b)

decide(given) := decision if {
	decision := data.avhopp.access.decision with input as overlay(base, given)
}

# ["allowed", rule, basis], ["withheld", reason], or ["missing"] when the
# decision names the category in neither object.
verdict(decision, category) := ["allowed", grant.rule, grant.basis] if {
	grant := decision.allowed[category]
} else := ["withheld", reason] if {
	reason := decision.withheld[category]
} else := ["missing"]

outcome(case) := verdict(decide(overlay(case.given, {"categories": [case.category]})), case.category)

# The names of the cases whose outcome is not the one wanted, an undefined
# outcome included; each is printed with what it got.
failures(cases) := {case.name |
	some case in cases
	not holds(case)
	print(case.name, "- got", outcome_or_undefined(case), "want", case.want)
}

holds(case) if outcome(case) == case.want

outcome_or_undefined(case) := got if {
	got := outcome(case)
} else := "undefined"
