package avhopp.actions

import rego.v1

import data.avhopp.lib

# METADATA
# title: Categories a consent could never open to one of its recipients
# description: >-
#   10 kap. 1 § OSL: a consent lifts secrecy toward its recipient, and the
#   matrix says where (policies/README.md, the cells): never in a "none" cell,
#   and never in an "own" cell, which only ownership opens (probation's
#   criminal_history is its own records only, so a consent gives it none of
#   police's; another municipality's social services get none of the
#   responsible one's own records this way). Recorded, such a consent would be
#   reported active and announced to every service as opening what it cannot,
#   so intake refuses it (422 naming the categories), as it does a legal basis
#   naming them (closed_to_recipient in legal_basis.rego). A recipient that
#   holds every record of the category itself reads it anyway, and the consent
#   names nothing more (police and their threat picture; the municipality
#   that records the consent, social services of the one responsible for the
#   case, and its own records): that is not refused. Input {"caller",
#   "recipient", "categories"}, the caller recording the consent and the
#   recipient's municipality already resolved to its code; answer the closed
#   categories. An input of another shape has no answer, and the caller
#   refuses.
# custom:
#   short_name: consent_closed
consent_closed := {category |
	column := lib.column(input.recipient.agency)
	some category in input.categories
	cell := object.get(column, category, "none")
	closed_to_recipient(category, cell, input.recipient, input.caller)
} if {
	is_object(input.caller)
	is_string(input.caller.agency)
	is_object(input.recipient)
	is_string(input.recipient.agency)
	is_array(input.categories)
	count(input.categories) > 0
}
