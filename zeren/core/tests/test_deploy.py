"""`zeren check --deploy` passes with the production profile, and that profile never runs on the public key."""

import os
import secrets
import subprocess
import sys

import pytest


def run_production(tmp_path, *args: str, **env_extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ZEREN_PROFILE": "production", "ZEREN_ALLOWED_HOSTS": "example.gov.cn",
           "ZEREN_HOME": str(tmp_path), **env_extra}
    for name in ("ZEREN_DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "ZEREN_DEBUG"):  # set by the test run, not production
        env.pop(name, None)
    if not env_extra.get("ZEREN_SECRET_KEY"):
        env.pop("ZEREN_SECRET_KEY", None)
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_in_production_profile(tmp_path):
    result = run_production(tmp_path, "-m", "zeren.cli", "check", "--deploy", "--fail-level", "WARNING",
                            ZEREN_SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("how", [("-m", "zeren.cli", "check"), ("-c", "import zeren.wsgi")], ids=["cli", "wsgi"])
@pytest.mark.parametrize("key", ["", None], ids=["empty", "unset"])
def test_production_without_a_secret_key_refuses_to_start(tmp_path, how, key):
    """Whatever starts it — the CLI or a WSGI server importing zeren.wsgi — with one line naming the variable."""
    result = run_production(tmp_path, *how, **({} if key is None else {"ZEREN_SECRET_KEY": key}))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "ZEREN_SECRET_KEY" in lines[0] and "refusing to start" in lines[0], result.stderr
