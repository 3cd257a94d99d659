from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "zeren.supervision"
    label = "supervision"
    verbose_name = "Supervision 行政监督"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from zeren.org.models import Unit
        from zeren.org.signals import units_changed
        from zeren.supervision.catalog import catalog_changed
        from zeren.supervision.models import ApprovalItem, RuleConfig

        # What the cached catalogue is read from: any change makes every process reload it.
        for model in (ApprovalItem, RuleConfig, Unit):
            post_save.connect(catalog_changed, sender=model, dispatch_uid=f"supervision.catalog.save.{model.__name__}")
            post_delete.connect(catalog_changed, sender=model,
                                dispatch_uid=f"supervision.catalog.delete.{model.__name__}")
        units_changed.connect(catalog_changed, dispatch_uid="supervision.catalog.units")
