#!/usr/bin/env bash
# Makes sure the Debian packages the test suite builds against are installed:
#   gcc             compiles test/support/kafka/mock-cluster.c
#   librdkafka-dev  its mock Kafka cluster is the suite's broker (no Docker, no Java)
#   chromium        the browser test/console.e2e-spec.ts drives (puppeteer-core downloads no browser of its own)
# Fast and silent when everything is present, so it can run before every test run.
set -euo pipefail

RDKAFKA_MOCK_HEADER=/usr/include/librdkafka/rdkafka_mock.h

missing=()
# A real broker in KAFKA_BROKERS replaces the mock, so neither is needed then.
if [[ -z "${KAFKA_BROKERS:-}" ]]; then
  command -v gcc >/dev/null 2>&1 || missing+=(gcc)
  [[ -f "$RDKAFKA_MOCK_HEADER" ]] || missing+=(librdkafka-dev)
fi

# CHROMIUM_PATH names another Chromium to drive instead.
if [[ -z "${CHROMIUM_PATH:-}" ]] && ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium)
fi

((${#missing[@]} == 0)) && exit 0

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  # apt prints debconf notices even with -qq: show its output only when the install fails.
  if ! log=$(apt-get update -qq 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" 2>&1); then
    printf '%s\n' "$log" >&2
    echo "could not install ${missing[*]} with apt-get" >&2
    exit 1
  fi
  exit 0
fi

for package in "${missing[@]}"; do
  echo "missing Debian package $package: run 'sudo apt-get install $package'" >&2
done
exit 1
