#!/usr/bin/env bash
# Runs the whole platform locally (RabbitMQ, PostgreSQL, five services, gateway) through the AppHost,
# installing what is missing first. Ctrl+C stops everything. Options go to the AppHost (e.g. --fresh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh
exec dotnet run --project AppHost -- "$@"
