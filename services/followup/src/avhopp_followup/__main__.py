from avhopp_followup.app import create_app, definition
from avhopp_shared.cli import main

main(definition, create_app)
