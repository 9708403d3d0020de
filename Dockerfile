# Government services portal: one image for web (gunicorn), Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs pango/harfbuzz and CJK fonts for Chinese certificates;
# gettext provides msgfmt for `manage.py compilemessages`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-noto-cjk \
        gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system portal \
    && useradd --system --gid portal --home-dir /app --no-create-home --shell /usr/sbin/nologin portal

WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# Build-time only: a throwaway key. collectstatic runs with DJANGO_ENV=production so that the
# production storage (whitenoise CompressedManifestStaticFilesStorage) writes the manifest and
# compressed files the running containers need; in development mode it would use the plain
# StaticFilesStorage and every {% static %} would fail at runtime with "Missing staticfiles
# manifest entry".
RUN DJANGO_SECRET_KEY=build python manage.py compilemessages \
    && DJANGO_ENV=production DJANGO_SECRET_KEY=build python manage.py collectstatic --noinput

# Code stays root-owned. The portal user owns /app itself (celery beat writes its
# celerybeat-schedule file into the working directory) and /app/media (uploads, generated PDFs;
# a named volume mounted there inherits this ownership).
RUN mkdir -p /app/media \
    && chown portal:portal /app /app/media

USER portal

EXPOSE 8000

CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
