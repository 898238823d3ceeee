package avhopp.access

import rego.v1

# METADATA
# title: Categories a disclosure decision can open to an agency
# description: >-
#   The agency's "decided" cells (ACCESS.md, baseline matrix: a provider reads
#   a category only when the deciding board recorded a disclosure decision
#   for it, and only where its cell is "decided"). Social services refuse a
#   commission whose disclosure decision names anything else: it would open
#   nothing, yet be announced and audited as opening it. A part of a category
#   (data.avhopp.settings.parts) is left out: a decision names whole
#   categories (policies/README.md, "Parts of a category"). Input:
#   {"agency": "<agency>"}; undefined for an agency the matrix does not know.
decidable := {category |
	agency := input.agency
	parts := object.get(data.avhopp.settings, "parts", {})
	some category, row in data.avhopp.settings.matrix
	row[agency] == "decided"
	not parts[category]
} if known_agency
