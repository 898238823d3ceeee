from avhopp_shared.db.alembic_env import run

run()
