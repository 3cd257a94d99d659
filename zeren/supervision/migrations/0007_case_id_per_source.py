"""Case ids unique per source system (issue 11 item 8): each case gets the source its events came
from (the first one, for a case that ever had several), and the city-wide uniqueness goes."""

import django.db.models.deletion
from django.db import migrations, models

FILL_SOURCE = """UPDATE supervision_approvalcase SET source_id = (
    SELECT MIN(e.source_id) FROM supervision_approvalevent AS e WHERE e.case_id = supervision_approvalcase.id)"""


class Migration(migrations.Migration):
    dependencies = [("supervision", "0006_alert_case_without_constraint")]

    operations = [
        migrations.AddField(
            model_name="approvalcase", name="source",
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="cases", to="supervision.sourcesystem", verbose_name="报送系统"),
        ),
        migrations.RunSQL(FILL_SOURCE, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="approvalcase", name="source",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="cases", to="supervision.sourcesystem", verbose_name="报送系统"),
        ),
        migrations.AlterField(
            model_name="approvalcase", name="case_id",
            field=models.CharField(max_length=64, verbose_name="办件编号"),
        ),
        migrations.AddConstraint(
            model_name="approvalcase",
            constraint=models.UniqueConstraint(fields=("case_id", "source"), name="supervision_case_per_source"),
        ),
    ]
