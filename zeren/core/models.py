"""No models. The module exists so that Django sends ``post_migrate`` to this app, whose handler makes
the database cache's table (``zeren.core.apps.create_cache_table``)."""
