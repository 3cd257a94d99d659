import pytest
from django.contrib import admin
from django.urls import reverse

from zeren.org.testing import make_small_tree


@pytest.mark.django_db
def test_every_model_has_an_admin_page_that_opens_read_only(admin_client):
    make_small_tree()
    zeren_models = [m for m in admin.site._registry if m.__module__.startswith("zeren.")]
    assert len(zeren_models) >= 10
    for model in zeren_models:
        opts = model._meta
        response = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert response.status_code == 200, opts.label
        if opts.label != "access.User":
            assert reverse(f"admin:{opts.app_label}_{opts.model_name}_add") not in response.content.decode(), opts.label
