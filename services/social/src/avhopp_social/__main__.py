from avhopp_shared.cli import main
from avhopp_social.app import create_app, definition

main(definition, create_app)
