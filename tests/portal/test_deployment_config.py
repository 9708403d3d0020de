"""Deployment files (docker-compose.yml, Dockerfile, Makefile, .env.example) agree with settings.

Plain file checks: no Django settings or database are needed.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "portal" / "settings.py"
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERFILE = ROOT / "Dockerfile"
MAKEFILE = ROOT / "Makefile"

APP_SERVICES = ("web", "worker", "beat")

# env("X", ...), env.str("X"), env.bool("X", ...), env.db("X", ...), env.email_url("X", ...), ...
ENV_CALL = re.compile(
    r"\benv(?:\.(?:str|bool|int|float|list|tuple|dict|json|url|path|db|db_url|"
    r"cache|cache_url|email|email_url|search_url))?\(\s*[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']"
)
# "#NAME=" documents a variable whose default is derived from others.
ENV_EXAMPLE_LINE = re.compile(r"^#?([A-Za-z_][A-Za-z0-9_]*)=")


def settings_env_names() -> set[str]:
    return set(ENV_CALL.findall(SETTINGS.read_text(encoding="utf-8")))


def env_example_names() -> list[str]:
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    return [m.group(1) for line in lines if (m := ENV_EXAMPLE_LINE.match(line))]


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def service_env(service: dict) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):  # ["NAME=value", ...] form
        return dict(item.split("=", 1) if "=" in item else (item, None) for item in environment)
    return {name: (None if value is None else str(value)) for name, value in environment.items()}


def command_text(service: dict) -> str:
    command = service.get("command") or ""
    return " ".join(command) if isinstance(command, list) else command


def make_target_body(makefile_text: str, target: str) -> str:
    """The tab-indented recipe lines following `target:`."""
    body: list[str] = []
    in_target = False
    for line in makefile_text.splitlines():
        if in_target:
            if line.startswith("\t"):
                body.append(line.strip())
                continue
            if not line.strip():
                continue
            break
        if re.match(rf"^{re.escape(target)}\s*:(?!=)", line):
            in_target = True
    return "\n".join(body)


# (a) services and images


def test_compose_has_exactly_the_expected_services():
    services = set(compose()["services"])
    assert services == {"db", "redis", "web", "worker", "beat"}, (
        f"docker-compose.yml services are {sorted(services)}, expected db, redis, web, worker, beat"
    )


def test_compose_images_are_postgres_15_and_redis():
    services = compose()["services"]
    db_image = services["db"].get("image", "")
    redis_image = services["redis"].get("image", "")
    assert db_image.startswith("postgres:15"), f"db image is {db_image!r}, expected postgres:15"
    assert redis_image.startswith("redis:"), f"redis image is {redis_image!r}, expected redis:<tag>"


# (b) environment variable names


def test_settings_reads_some_env_vars():
    names = settings_env_names()
    assert {"DJANGO_ENV", "DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"} <= names, (
        f"the env() call regex found only {sorted(names)} in portal/settings.py; is it still right?"
    )


def test_env_example_lists_exactly_the_vars_settings_reads():
    read = settings_env_names()
    listed = env_example_names()
    duplicates = sorted({name for name in listed if listed.count(name) > 1})
    assert not duplicates, f".env.example lists these more than once: {duplicates}"
    missing = sorted(read - set(listed))
    extra = sorted(set(listed) - read)
    assert not missing, (
        f"portal/settings.py reads these but .env.example does not list them: {missing}"
    )
    assert not extra, f".env.example lists these but portal/settings.py never reads them: {extra}"


def test_env_example_documents_every_var():
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    undocumented = [
        m.group(1)
        for i, line in enumerate(lines)
        if (m := ENV_EXAMPLE_LINE.match(line)) and (i == 0 or not lines[i - 1].startswith("#"))
    ]
    assert not undocumented, f".env.example has no '#' comment line above: {undocumented}"


def test_compose_sets_only_vars_settings_reads():
    read = settings_env_names()
    services = compose()["services"]
    for name in APP_SERVICES:
        unknown = sorted(set(service_env(services[name])) - read)
        assert not unknown, (
            f"docker-compose.yml service {name!r} sets variables settings.py never reads: {unknown}"
        )


# (c) shared environment


def test_app_services_share_identical_environment():
    services = compose()["services"]
    web_env = service_env(services["web"])
    assert web_env, "docker-compose.yml service 'web' has no environment"
    for name in ("worker", "beat"):
        assert service_env(services[name]) == web_env, (
            f"docker-compose.yml service {name!r} environment differs from web's "
            "(all three should use the *portal-env anchor)"
        )


def test_app_services_run_in_production_mode():
    env = service_env(compose()["services"]["web"])
    assert env.get("DJANGO_ENV") == "production", (
        "compose should run the portal with DJANGO_ENV=production"
    )
    assert env.get("DJANGO_SECRET_KEY"), (
        "DJANGO_ENV=production requires DJANGO_SECRET_KEY in compose"
    )


# (d) commands


def test_compose_commands():
    services = compose()["services"]
    worker, beat, web = (command_text(services[name]) for name in ("worker", "beat", "web"))
    assert "celery -A portal worker" in worker, (
        f"worker command is {worker!r}, expected celery -A portal worker"
    )
    assert "celery -A portal beat" in beat, (
        f"beat command is {beat!r}, expected celery -A portal beat"
    )
    assert "gunicorn portal.wsgi:application" in web, (
        f"web command is {web!r}, expected it to run gunicorn portal.wsgi:application"
    )


# (e) Makefile runs the same Celery commands


def test_makefile_celery_targets_match_compose():
    assert MAKEFILE.exists(), "Makefile is missing (needs worker and beat targets)"
    text = MAKEFILE.read_text(encoding="utf-8")
    for target, command in (
        ("worker", "celery -A portal worker"),
        ("beat", "celery -A portal beat"),
    ):
        body = make_target_body(text, target)
        assert body, f"Makefile has no {target!r} target with a recipe"
        assert command in body, (
            f"Makefile target {target!r} should run {command!r}; its recipe is:\n{body}"
        )


# (f) service URLs


def test_database_url_points_at_db_service():
    services = compose()["services"]
    env = service_env(services["web"])
    url = urlsplit(env.get("DATABASE_URL") or "")
    assert url.scheme.startswith("postgres"), (
        f"DATABASE_URL {url.geturl()!r} is not a PostgreSQL URL"
    )
    assert url.hostname == "db", f"DATABASE_URL host is {url.hostname!r}, expected the 'db' service"
    db_env = service_env(services["db"])
    assert url.username == db_env.get("POSTGRES_USER"), (
        "DATABASE_URL user differs from db's POSTGRES_USER"
    )
    assert url.password == db_env.get("POSTGRES_PASSWORD"), (
        "DATABASE_URL password differs from db's POSTGRES_PASSWORD"
    )
    assert url.path.lstrip("/") == db_env.get("POSTGRES_DB"), (
        "DATABASE_URL database differs from POSTGRES_DB"
    )


def test_redis_url_points_at_redis_service():
    env = service_env(compose()["services"]["web"])
    url = urlsplit(env.get("REDIS_URL") or "")
    assert url.scheme == "redis", f"REDIS_URL {url.geturl()!r} is not a redis:// URL"
    assert url.hostname == "redis", (
        f"REDIS_URL host is {url.hostname!r}, expected the 'redis' service"
    )


# (g) Dockerfile


def test_dockerfile_cmd_runs_wsgi_application():
    cmd_lines = [
        line.strip()
        for line in DOCKERFILE.read_text(encoding="utf-8").splitlines()
        if line.strip().upper().startswith("CMD")
    ]
    assert cmd_lines, "Dockerfile has no CMD"
    cmd = cmd_lines[-1]  # the last CMD is the one that counts
    assert "gunicorn" in cmd, f"Dockerfile CMD is {cmd!r}, expected it to run gunicorn"
    assert "portal.wsgi:application" in cmd, (
        f"Dockerfile CMD is {cmd!r}, expected it to serve portal.wsgi:application"
    )


def test_dockerignore_keeps_local_env_out_of_the_image():
    patterns = {
        line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    }
    # settings.py reads .env from the project directory: a baked-in one would silently fill in
    # anything compose does not set (DJANGO_DEBUG, CELERY_BROKER_URL, ...).
    assert ".env" in patterns, ".dockerignore must exclude .env"


def test_make_target_body_parser():
    text = (
        "x:\n\techo x\nworker: deps\n\t$(VENV)/bin/celery -A portal worker -l info\n\nbeat:\n\tb\n"
    )
    assert make_target_body(text, "worker") == "$(VENV)/bin/celery -A portal worker -l info"
    assert make_target_body(text, "beat") == "b"
    assert make_target_body(text, "x") == "echo x"
    assert make_target_body(text, "missing") == ""
