package avhopp.actions

import rego.v1

import data.avhopp.lib

# METADATA
# title: Action allowed
# description: >-
#   policies/README.md, "The action decision": the caller's agency is listed
#   for the action in policies/data/actions.json and, for an action marked
#   same_organisation (e.g. consent.write: consent is recorded by the
#   responsible municipality), the caller's organisation is the owner's when
#   the owner names one. Anything else, an unknown action included, is denied.
# custom:
#   short_name: action
#   failure_msg: action not permitted
default allow := false

allow if {
	action := lib.action(input.action)
	input.caller.agency in action.agencies
	object.get(action, "same_organisation", false) == false
}

allow if {
	action := lib.action(input.action)
	input.caller.agency in action.agencies
	action.same_organisation == true
	lib.same_organisation(input.caller, input.owner)
}
