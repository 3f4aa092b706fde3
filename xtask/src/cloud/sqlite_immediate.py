# Installed into the cloud venv by `cargo xtask cloud up` (with a .pth file that imports it).
#
# oslo.db runs SQLite transactions as plain (deferred) `BEGIN`. When two processes (cinder-api
# workers, scheduler, volume) read and then write in overlapping transactions, SQLite cannot
# upgrade the second reader to a writer and fails at once with "database is locked", whatever
# the busy timeout: concurrent volume creates then return HTTP 500. `BEGIN IMMEDIATE` takes the
# write lock up front, so transactions queue on the busy timeout instead.
#
# Only active in processes started with CINDER_CLOUD_SQLITE_IMMEDIATE=1 (the services), and only
# once oslo.db is imported: other programs of the venv (python-cinderclient) pay nothing.
import os

if os.environ.get("CINDER_CLOUD_SQLITE_IMMEDIATE"):
    import importlib.abc
    import importlib.util
    import sys

    _TARGET = "oslo_db.sqlalchemy.engines"

    def _register():
        import sqlalchemy
        from sqlalchemy import event

        @event.listens_for(sqlalchemy.engine.Engine, "before_cursor_execute", retval=True)
        def _begin_immediate(conn, cursor, statement, parameters, context, executemany):
            if statement == "BEGIN" and conn.dialect.name == "sqlite":
                statement = "BEGIN IMMEDIATE"
            return statement, parameters

    class _Hook(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name != _TARGET:
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            if spec is None or spec.loader is None:
                return spec
            exec_module = spec.loader.exec_module

            def exec_and_register(module):
                exec_module(module)
                _register()

            spec.loader.exec_module = exec_and_register
            return spec

    sys.meta_path.insert(0, _Hook())
