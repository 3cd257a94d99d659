from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoBuild(models.Model):
    """Marks a database as built by ``zeren demo`` (so it may be reused or reset)."""

    size = models.CharField(max_length=16)
    seed = models.IntegerField()
    built_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("演示数据")

    def __str__(self) -> str:
        return f"demo {self.size} seed {self.seed}"
