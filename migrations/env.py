import logging
import os
from contextlib import contextmanager
from logging.config import fileConfig

from flask import current_app

from alembic import context
from sqlalchemy import create_engine, pool

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger('alembic.env')


def get_engine():
    """SQLite: the app's engine. PostgreSQL: an engine of its own, as the login role (the app's
    connections SET ROLE to DATABASE_ROLE, which owns no table: app/core/rls.py), or as
    MIGRATE_DATABASE_URL's role when set (a deployment whose app login is not the owner)."""
    engine = current_app.extensions['migrate'].db.engine
    url = os.environ.get("MIGRATE_DATABASE_URL")
    if url:
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    elif engine.dialect.name == "postgresql":
        url = engine.url
    else:
        return engine
    if "owner" not in _engines:
        _engines["owner"] = create_engine(url, poolclass=pool.NullPool)
    return _engines["owner"]


_engines = {}


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace(
            '%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives
    if conf_args.get("include_object") is None:
        from app.core.rls import include_object  # the row policies' index is no model's

        conf_args["include_object"] = include_object

    connectable = get_engine()

    with connectable.connect() as connection:
        as_owner(connection)
        context.configure(
            connection=connection,
            target_metadata=get_metadata(),
            **conf_args
        )

        with sqlite_keys_checked_after(connection):
            with context.begin_transaction():
                context.run_migrations()


def as_owner(connection):
    """PostgreSQL: the migrations are the owner's work and cross units; the owner is not bound by
    the row policies, and the setting says so for any reader that is."""
    if connection.dialect.name != "postgresql":
        return
    connection.exec_driver_sql("SELECT set_config('skh.cross', 'on', false)")
    connection.commit()


class ForeignKeyViolation(RuntimeError):
    pass


@contextmanager
def sqlite_keys_checked_after(connection):
    """SQLite: foreign keys off while the migrations run, every key checked after.

    A batch migration changes a SQLite table by copying it, dropping the old one and renaming the
    copy. With foreign keys enforced (app.core.db turns them on for every connection) dropping a
    table that other rows point at fails, so a migration that passes on an empty database would
    fail on a commune's real one (a rebuild of `member` once dues payments point at it). This is
    SQLite's documented procedure for schema changes: enforcement off outside any transaction, the
    change, then PRAGMA foreign_key_check, and enforcement back on for the pooled connection.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.driver_connection
    raw.execute("PRAGMA foreign_keys=OFF")  # no transaction is open yet: the pragma takes effect
    try:
        yield
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise ForeignKeyViolation(f"the migrations left rows whose foreign keys point nowhere: {broken[:10]}")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
