#!/usr/bin/env bash
# Installs what the platform and its tests need from the OS when it is missing, then returns.
# Sourced by run.sh and test.sh; safe to call again (it only acts on what is absent).
set -euo pipefail

need_apt=()
command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need_apt+=(rabbitmq-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)

if [ ${#need_apt[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing ${need_apt[*]} and no apt-get here: install them with your package manager, then run this again." >&2
    exit 1
  fi
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "Installing ${need_apt[*]} (once)..."
  # policy-rc.d keeps Debian from starting system-wide daemons: the AppHost runs private nodes of its own.
  if [ ! -e /usr/sbin/policy-rc.d ] && [ -z "$sudo_cmd" ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is missing: install it (see global.json for the version), then run this again." >&2
  exit 1
fi
