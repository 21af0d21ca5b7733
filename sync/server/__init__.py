"""The reference central server: FastAPI on uvicorn, SQLAlchemy Core, Alembic migrations."""
