from avhopp_shared.cli import main
from avhopp_threat.app import create_app, definition

main(definition, create_app)
