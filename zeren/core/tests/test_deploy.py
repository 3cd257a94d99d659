"""`zeren check --deploy` passes with the production profile."""

import os
import secrets
import subprocess
import sys


def test_check_deploy_is_clean_in_production_profile(tmp_path):
    env = {**os.environ, "ZEREN_PROFILE": "production", "ZEREN_SECRET_KEY": secrets.token_urlsafe(50),
           "ZEREN_ALLOWED_HOSTS": "example.gov.cn", "ZEREN_HOME": str(tmp_path)}
    for name in ("ZEREN_DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "ZEREN_DEBUG"):  # set by the test run, not production
        env.pop(name, None)
    result = subprocess.run([sys.executable, "-m", "zeren.cli", "check", "--deploy", "--fail-level", "WARNING"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
