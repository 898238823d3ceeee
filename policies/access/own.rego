package avhopp.access

import rego.v1

import data.avhopp.lib

# METADATA
# title: Own records
# description: >-
#   ACCESS.md, baseline matrix, "own": the agency's own records are always
#   readable by it, whatever its cell for the category says (police read the
#   case reference of their own threat assessment without a consent). Where
#   the owner names an organisation, only that organisation is the owner
#   (another municipality's social services are not). One exception: a
#   "team" cell binds the owner too, so the owning agency's caseworkers reach
#   the new home town only through the case team. No legal basis or
#   break-glass is consulted: an owner needs none, a non-owner cannot be
#   made one.
# custom:
#   short_name: own
#   failure_msg: not the owner
own_grants := {category: {"rule": "own", "basis": null} |
	lib.owns(input.caller, input.owner)
	some category, cell in requested_cells
	cell != "team"
}
