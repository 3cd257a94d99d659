"""On PostgreSQL, the database itself refuses UPDATE and DELETE of audit entries and checkpoints.

TRUNCATE stays allowed on purpose: Django's ``flush`` (``zeren demo --reset``, ``zeren restore
--force``, pytest-django's transactional tests) empties tables with TRUNCATE, and wiping the
whole log is not a silent rewrite — anyone holding a published checkpoint sees it. SQLite has no
such guard; ``zeren audit verify`` catches tampering there (see docs/trust.md).
"""

from django.db import migrations

TABLES = ["audit_auditentry", "audit_checkpoint"]

CREATE = """
CREATE OR REPLACE FUNCTION zeren_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'zeren audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
    f"FOR EACH ROW EXECUTE FUNCTION zeren_audit_append_only();\n"
    for t in TABLES
)

DROP = "".join(f"DROP TRIGGER IF EXISTS {t}_append_only ON {t};\n" for t in TABLES) + (
    "DROP FUNCTION IF EXISTS zeren_audit_append_only();"
)


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, None)  # no parameters: the % in RAISE stays literal

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_checkpoint"),
    ]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
