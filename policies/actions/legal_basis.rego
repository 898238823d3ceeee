package avhopp.actions

import rego.v1

import data.avhopp.lib

# METADATA
# title: Gaps of a legal basis
# description: >-
#   Why the caller may not record this legal basis, one reason each: a
#   category its agency does not own, a recipient that includes the caller,
#   or a provider recipient that names no organisation. Empty when it may.
#   (Defined before the rule that reads it: regorus then evaluates it alike
#   under "with".)
legal_basis_gaps contains sprintf("%s is not a record %s owns", [category, agency]) if {
	agency := input.caller.agency
	column := lib.column(agency)
	categories := input.categories
	is_array(categories)
	some category in categories
	not object.get(column, category, "none") in owned_cells
}

legal_basis_gaps contains "a legal basis cannot name the agency recording it as recipient" if {
	lib.recipient_matches(input.recipient, input.caller)
}

# ACCESS.md, "decided": the deciding board decides for "this provider", one
# organisation, and a provider is always one; a recipient naming the provider
# agency as a whole would name every provider, the board's or not.
legal_basis_gaps contains "a legal basis to a provider must name the provider organisation" if {
	input.recipient.agency == "provider"
	not is_string(object.get(input.recipient, "organisation", null))
}

# METADATA
# title: Categories a legal basis could never open to its recipient
# description: >-
#   The categories whose cell for the recipient's agency is closed to it
#   (closed_to_recipient: "none", or "own" where the recipient is not the
#   caller itself, whose records the legal basis opens; README: no legal basis
#   opens those): recorded, such a legal basis would open
#   nothing there, yet be announced and audited as opening it. Not a gap of
#   the caller's authority but a request that cannot be met, so reported
#   apart (intake answers 422 naming the categories). A category the matrix
#   does not know is "none" too. (Defined before the rule that reads it, as
#   the gaps are.)
legal_basis_closed contains category if {
	column := lib.column(input.recipient.agency)
	categories := input.categories
	is_array(categories)
	some category in categories
	cell := object.get(column, category, "none")
	closed_to_recipient(category, cell, input.recipient, input.caller)
}

# METADATA
# title: A legal basis the caller may record
# description: >-
#   ACCESS.md, "Consent records": an exchange without consent needs a recorded
#   legal basis (e.g. 10 kap. 18 a § OSL), and under OSL it is the disclosing
#   authority that applies a secrecy-breaking provision to its own records.
#   So a legal basis is recorded by the agency that owns every category it
#   opens (the agency's cell is "own" or "own_or_consent"), and never names
#   the caller among its recipients (its whole agency, or its own
#   organisation): no one opens another's records, or opens records to
#   himself, this way. Another organisation of the same agency (another
#   municipality, an authority of its own) may be named. A provider recipient
#   names its organisation: the board's disclosure decision (ACCESS.md,
#   "decided") is for one provider, and so is a legal basis to one. And it
#   names no category its recipient can never be given ("closed": its cell is
#   "none", or "own": police's criminal history to probation). Input {"caller", "recipient", "categories"}; answer {"allowed",
#   "gaps", "closed"}; an input of another shape has no answer, and the
#   caller refuses.
# custom:
#   short_name: legal_basis_record
#   failure_msg: not a legal basis the caller may record
legal_basis_record := {"allowed": count(gaps) + count(closed) == 0, "gaps": gaps, "closed": closed} if {
	is_object(input.caller)
	is_string(input.caller.agency)
	is_object(input.recipient)
	is_string(input.recipient.agency)
	is_array(input.categories)
	count(input.categories) > 0
	gaps := legal_basis_gaps
	closed := legal_basis_closed
}
