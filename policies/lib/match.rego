package avhopp.lib

import rego.v1

# METADATA
# title: Recipient matches caller
# description: >-
#   A consent or legal-basis recipient names an agency and, optionally, one
#   organisation; organisation null means the whole agency (policies/README.md).
recipient_matches(recipient, caller) if {
	recipient.agency == caller.agency
	recipient.organisation == null
}

recipient_matches(recipient, caller) if {
	recipient.agency == caller.agency
	is_string(recipient.organisation)
	recipient.organisation == caller.organisation
}

# A service of the platform receiving an event keeps it for every organisation
# of its agency: one organisation's consent must still bring the case to the
# service that organisation works in. What each caller then reads of it is
# decided per caller, by the two rules above. Only the platform marks a caller
# as a service; a token never does.
recipient_matches(recipient, caller) if {
	recipient.agency == caller.agency
	is_string(recipient.organisation)
	caller.service == true
}

# METADATA
# title: Same organisation as the owner
# description: >-
#   True when the owner names no organisation, or names the caller's. An owner
#   without an organisation (or with null) is the agency as a whole.
same_organisation(_, owner) if object.get(owner, "organisation", null) == null

same_organisation(caller, owner) if {
	is_string(owner.organisation)
	owner.organisation == caller.organisation
}

# METADATA
# title: Caller owns the data
# description: >-
#   ACCESS.md, "own": an agency's own records are readable by it; where the
#   owner names an organisation (e.g. the responsible municipality) only that
#   organisation is the owner.
owns(caller, owner) if {
	caller.agency == owner.agency
	same_organisation(caller, owner)
}

# METADATA
# title: Same named person
# description: >-
#   A team member or break-glass grant names one person: agency, organisation
#   and user all equal the caller's. A caller without a user (a machine
#   client) or an organisation is never a named person.
same_person(named, caller) if {
	is_string(caller.user)
	is_string(caller.organisation)
	named.agency == caller.agency
	named.organisation == caller.organisation
	named.user == caller.user
}
