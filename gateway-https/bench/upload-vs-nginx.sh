#!/usr/bin/env bash
# Issue 6's upload benchmark: curl -T of a 1 GiB file (alone, then 8 at a time) against Debian's nginx
# (WebDAV PUT over TLS) and against the gateway (which also encrypts at rest), in one run on this machine.
# Prints both throughputs and the ratio. Needs nginx and curl:  apt-get install -y nginx-light curl
# Usage: gateway-https/bench/upload-vs-nginx.sh [MiB]        (default 1024)
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v nginx >/dev/null || { echo "nginx is missing: apt-get install -y nginx-light" >&2; exit 2; }
mvn -B -q -pl gateway-https -am install -DskipTests
mvn -B -pl gateway-https verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=UploadBenchmarkIT -Dvaultgate.bench=true -Dvaultgate.bench.mib="${1:-1024}" \
  | grep -E 'UploadBenchmarkIT \(|Tests run|FAIL'
