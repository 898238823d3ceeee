package avhopp.actions_test

import rego.v1

import data.avhopp.actions
import data.avhopp.test.fixtures

malmo := fixtures.social_owner

cases := [
	{"name": "social services create an application", "caller": fixtures.social, "action": "application.create", "want": true},
	{"name": "a provider creates no application", "caller": fixtures.provider, "action": "application.create", "want": false},
	{"name": "every agency reads the case", "caller": fixtures.sis, "action": "case.read", "want": true},
	{"name": "the responsible municipality records consent", "caller": fixtures.social, "action": "consent.write", "want": true},
	{"name": "another municipality records no consent", "caller": fixtures.overlay(fixtures.social, {"organisation": "lund"}), "action": "consent.write", "want": false},
	{"name": "police record no consent", "caller": fixtures.police, "action": "consent.write", "want": false},
	{"name": "social services name the case team", "caller": fixtures.social, "action": "team.write", "want": true},
	# The receiving municipality names the team (intake's access routes); police, a
	# provider or probation name no one, themselves included.
	{"name": "police name no one to the case team", "caller": fixtures.police, "action": "team.write", "want": false},
	{"name": "a provider names no one to the case team", "caller": fixtures.provider, "action": "team.write", "want": false},
	{"name": "probation approves no break-glass", "caller": fixtures.probation, "action": "break_glass.approve", "want": false},
	{"name": "a provider reads no audit trail", "caller": fixtures.provider, "action": "audit.read", "want": false},
	# ACCESS.md, "Consent records": the owner of the records a break-glass grant opens
	# is notified; police's notices are police's, the case owner has its access alerts.
	{"name": "police read their break-glass notices", "caller": fixtures.police, "action": "break_glass_notice.read", "want": true},
	{"name": "social services read no police break-glass notice", "caller": fixtures.social, "action": "break_glass_notice.read", "want": false},
	{"name": "a provider reads no police break-glass notice", "caller": fixtures.provider, "action": "break_glass_notice.read", "want": false},
	{"name": "an unknown action", "caller": fixtures.social, "action": "case.delete", "want": false},
	{"name": "an action named like a rule", "caller": fixtures.social, "action": "allow", "want": false},
]

decide(case) := allowed if {
	allowed := actions.allow with input as {"caller": case.caller, "action": case.action, "owner": malmo}
}

holds(case) if decide(case) == case.want

failures contains case.name if {
	some case in cases
	not holds(case)
	print(case.name, "- want", case.want)
}

test_actions_follow_the_action_list if count(failures) == 0

test_an_owner_naming_no_organisation_lets_any_organisation_of_the_agency if {
	lund := fixtures.overlay(fixtures.social, {"organisation": "lund"})
	allowed := actions.allow with input as {"caller": lund, "action": "consent.write", "owner": {"agency": "social", "organisation": null}}
	allowed == true
}

test_a_same_organisation_action_without_an_owner_is_denied if {
	allowed := actions.allow with input as {"caller": fixtures.social, "action": "consent.write"}
	allowed == false
}

test_an_empty_input_is_denied if {
	allowed := actions.allow with input as {}
	allowed == false
}

test_a_malformed_same_organisation_flag_is_denied if {
	allowed := actions.allow with input as {"caller": fixtures.social, "action": "x", "owner": malmo}
		with data.avhopp.settings.actions as {"x": {"agencies": ["social"], "same_organisation": "yes"}}
	allowed == false
}
