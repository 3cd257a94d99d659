"""Read-only admin views: every write goes through the actions (and their audit entries)."""

from django.contrib import admin

from zeren.oversight import models


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (models.Body, models.RuleAdoption, models.Publication, models.DisclosureRequirement, models.Referral,
              models.JointMeeting, models.MeetingTask, models.JointInspection, models.InspectionIssue,
              models.ExternalEvaluation):
    admin.site.register(model, ReadOnly)
