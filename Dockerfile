# Attune in a container; README, "Running it 24/7", has the steps. Build: docker compose build.
# The install step is deploy/install.sh, the very command tests/test_packaging.py installs the wheel
# with and then runs from a fresh virtual environment.
ARG PYTHON_IMAGE=python:3.12-slim

# Build the wheel and the virtual environment; only the environment goes on to the image.
FROM ${PYTHON_IMAGE} AS build
COPY pyproject.toml README.md /src/
COPY deploy/install.sh /src/deploy/install.sh
COPY bot /src/bot
COPY cogs /src/cogs
COPY content /src/content
RUN sh /src/deploy/install.sh /opt/attune/venv /src

FROM ${PYTHON_IMAGE}
# A user of its own: the code (root-owned) is read-only to it, the data directory is all it owns.
RUN groupadd --system --gid 10001 attune \
    && useradd --system --uid 10001 --gid attune --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin attune \
    && mkdir /data && chown attune:attune /data && chmod 0700 /data
COPY --from=build /opt/attune/venv /opt/attune/venv
# The database, its key file attune.key (unless DATA_ENCRYPTION_KEY is set) and backups/ all live
# in the /data volume. Matplotlib's font cache goes to /tmp, so the image can run read-only.
ENV PATH=/opt/attune/venv/bin:$PATH \
    DATABASE_URL=sqlite:////data/attune.db \
    MPLCONFIGDIR=/tmp/matplotlib \
    PYTHONUNBUFFERED=1
VOLUME /data
WORKDIR /data
USER attune
# SIGTERM: Attune finishes the write and the sends in progress, then exits 0 (about a second; give
# it `docker stop --time 30` or compose's stop_grace_period).
STOPSIGNAL SIGTERM
# Healthy once connected to Discord with its dispatcher running (reads the heartbeat beside the
# database); start-period covers connecting and the migrations with their backup.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["attune", "health"]
CMD ["attune"]
