"""Session fixtures every test folder can use: one broker and one database server per run."""

pytest_plugins = ["tests.fixtures.broker", "tests.fixtures.postgres"]
